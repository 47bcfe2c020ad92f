"""The two catalogs: every key in both languages, every key used in code exists."""
import re

from sitrep.i18n import catalog

from .conftest import REPO


def test_zh_and_en_have_the_same_keys():
    zh, en = catalog("zh"), catalog("en")
    assert sorted(set(zh) ^ set(en)) == []


def test_every_key_used_in_code_is_in_the_catalogs():
    zh = catalog("zh")
    sources = [*REPO.glob("pages/*.py"), REPO / "dashboard.py", *REPO.glob("sitrep/**/*.py")]
    used = set()
    for path in sources:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text(encoding="utf-8")))
    assert sorted(k for k in used if k not in zh) == []
