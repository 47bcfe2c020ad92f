"""User-visible text: a zh and an en catalog (sitrep/locales/<lang>/*.json, one file per
area, merged), Chinese by default.

Code holds message keys only. Coded values (groups, statuses, …) are shown through
`label(domain, code, lang)`, which falls back to the value as typed for open lists.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_DIR = Path(__file__).with_name("locales")


@cache
def catalog(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    text = catalog(lang if lang in LANGS else DEFAULT_LANG).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, key)
    return text.format(**values) if values else text


def label(domain: str, code, lang: str = DEFAULT_LANG) -> str:
    """Display label of a stored code; unknown codes (open lists) are shown as typed."""
    if code is None:
        return ""
    return catalog(lang if lang in LANGS else DEFAULT_LANG).get(f"code.{domain}.{code}", str(code))
