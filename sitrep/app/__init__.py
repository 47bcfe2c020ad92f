"""Station 5 of the data path: the Streamlit shell the pages run in.

server (the ASGI entry with sign-in in front) · session (who is looking) · nav (the page
registry) · filters (the global, URL-bound filters) · ui (cached queries, masking, tables,
the error boundary) · privacy (masks) · upload (the import page's work) · figures/ (each
page's charts, the shared colours).
"""
