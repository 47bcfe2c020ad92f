"""Station 5 of the data path: the Streamlit shell the pages run in.

server (the ASGI entry with sign-in in front) · session (who is looking) · nav (the page
registry) · filters (the global, URL-bound filters) · ui (cached queries, masking, tables,
the error boundary) · privacy (masks, from the contract's `personal` marks) · cards (KPI
cards with their change since yesterday; the overview's groups) · upload (the import page's
work) · seals_drill, briefing_text (a page's own shaping: picks and tables, text lines) ·
figures/ (each page's charts, the shared colours).
"""
