"""The daily briefing as an image: the export of the briefing page through headless Chromium
(export.py). The page itself is pages/briefing.py; its text and its charts are the app's, beside
every other page's (sitrep/app/briefing_text.py, sitrep/app/figures/briefing.py)."""
