"""Dev helper: merge messages into both catalogs.
Usage: python tools/addmsg.py AREA < pairs.json   (AREA = common, overview, seals, ...)
where pairs.json is {"key": ["中文", "English"], ...}; writes sitrep/locales/{zh,en}/AREA.json."""
import json
import sys
from pathlib import Path

DIR = Path(__file__).resolve().parent.parent / "sitrep" / "locales"
area = sys.argv[1] if len(sys.argv) > 1 else "common"
pairs = json.load(sys.stdin)
for i, lang in enumerate(("zh", "en")):
    path = DIR / lang / f"{area}.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.update({k: v[i] for k, v in pairs.items()})
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
