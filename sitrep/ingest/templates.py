"""Blank templates: one XLSX per kind with a note of its bounds, the Chinese headers and one
example row.

The note (a row above the header: the importer reads past it) states the contract's bounds
for the kind, from the contract itself (contract.py "Bounds"). The example rows form a
consistent little compound (building B5, volunteer V001), so the templates themselves import
cleanly: a test proves it.
"""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from sitrep.ingest.contract import KINDS, LOAD_ORDER, TEXT_MAX_CHARS, WINDOW_MARGIN_DAYS

EXAMPLES: dict[str, dict[str, object]] = {
    "buildings": {"building": "B5", "floors": 33, "units": 2, "households_per_floor": 4,
                  "x_m": 120, "y_m": 60, "width_m": 18, "depth_m": 14},
    "households": {"building": "B5", "unit": "1", "room": "1302", "residents": 3,
                   "vulnerable": "老人、慢性病", "phone": "13800000000"},
    "volunteers": {"volunteer_id": "V001", "name": "张三", "kind": "党员志愿者", "group": "物资配送组",
                   "task_force": "否", "joined_on": "2020-02-06", "phone": "13900000000",
                   "home": "B5-1302"},
    "shifts": {"date": "2020-02-10", "volunteer": "V001", "start": "08:00", "end": "12:00",
               "task": "配送", "building": "B5"},
    "deliveries": {"delivered_at": "2020-02-10 08:30", "address": "B5-1302", "category": "蔬菜",
                   "quantity": 20, "qty_unit": "斤", "source": "捐赠", "volunteer": "V001"},
    "medicine_requests": {"request_id": "M0001", "requested_at": "2020-02-10 09:00",
                          "address": "B5-1302", "medicine": "硝苯地平缓释片", "condition": "高血压",
                          "urgency": "紧急", "hospital": "咸宁市中医医院", "status": "已送达",
                          "fulfilled_at": "2020-02-10 10:30", "handler": "V001", "patient": "王某某"},
    "screenings": {"date": "2020-02-10", "address": "B5-1302", "persons_checked": 3,
                   "max_temp_c": "36.8", "symptoms": "无", "disposition": "", "screener": "V001"},
    "cases": {"case_id": "C001", "address": "B5-1302", "class": "疑似", "reported_on": "2020-02-10",
              "outcome": "排除", "outcome_on": "2020-02-12"},
    "seals": {"building": "B5", "floors": "12-14", "sealed_from": "2020-02-10",
              "sealed_until": "2020-02-24", "reason": "疑似"},
    "vehicle_trips": {"departed_at": "2020-02-10 08:30", "returned_at": "2020-02-10 10:10",
                      "address": "B5-1302", "purpose": "产检", "destination": "咸安区妇幼保健院",
                      "driver": "V001"},
}
FILE_NAMES = {name: f"{i + 1:02d}_{KINDS[name].zh}模板.xlsx" for i, name in enumerate(LOAD_ORDER)}


def note(kind: str) -> str:
    """The kind's bounds as a clerk reads them (Chinese, like the headers)."""
    spec = KINDS[kind]
    parts = ["填写说明：带 * 的列必填。"]
    if any(c.type in ("date", "datetime") for c in spec.columns):
        parts.append(f"日期须在本小区的日期范围内：从封控开始（未设置时为当年 1 月 1 日）前 {WINDOW_MARGIN_DAYS} 天"
                     "到导入当天的次日。")
    ranges = [f"{c.zh} {c.range[0]:,g} 至 {c.range[1]:,g}" for c in spec.columns if c.range]
    if ranges:
        parts.append("数值范围：" + "，".join(ranges) + "。")
    parts.append(f"每格文字不超过 {TEXT_MAX_CHARS:,} 字。超出的行被拒绝并注明原因，其余行照常导入。")
    return "".join(parts)


def template_bytes(kind: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    spec = KINDS[kind]
    columns = [c for c in spec.columns if not (kind == "deliveries" and c.name in ("building", "room"))]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.zh
    sheet.append([note(kind)])
    sheet.append([c.zh + ("*" if c.required else "") for c in columns])
    sheet.append([EXAMPLES[kind].get(c.name, "") for c in columns])
    sheet["A1"].font = Font(italic=True, color="666666")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(10, len(column.zh) * 2 + 6)
    book.properties.created = book.properties.modified = datetime(2020, 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_templates(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, name in FILE_NAMES.items():
        path = folder / name
        path.write_bytes(template_bytes(kind))
        paths.append(path)
    return paths
