"""Dev helper: merge messages into both catalogs. Usage: python tools/addmsg.py < pairs.json
where pairs.json is {"key": ["中文", "English"], ...}."""
import json
import sys
from pathlib import Path

DIR = Path(__file__).resolve().parent.parent / "sitrep" / "locales"
pairs = json.load(sys.stdin)
for i, lang in enumerate(("zh", "en")):
    path = DIR / f"{lang}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update({k: v[i] for k, v in pairs.items()})
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
