"""The daily briefing as an image: the export through headless Chromium (export) and the
briefing page's charts (figures). The page itself is pages/briefing.py."""
