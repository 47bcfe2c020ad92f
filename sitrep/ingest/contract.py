"""The data contract as data: every kind of spreadsheet, its columns, headers and codes.

One source for the importer (header matching, parsing), the schema, the templates and the
demo generator. Chinese labels of coded values live here because the importer must accept
them; the display labels of every language live in the catalogs (sitrep/locales).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Codes of categorical values, keyed by domain: code -> accepted input labels (Chinese
# label first, then short forms). The code itself is always accepted too.
CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "volunteer_kind": {
        "party_member": ("党员志愿者", "党员"),
        "lei_feng": ("雷锋志愿者", "雷锋"),
        "stationed_cadre": ("驻点干部",),
        "city_cadre": ("市管干部",),
        "property": ("物业",),
        "doctor": ("医生",),
        "counsellor": ("心理咨询师",),
    },
    "group": {
        "coordination": ("综合协调组", "协调组"),
        "supply": ("物资配送组", "配送组"),
        "medical": ("医疗保障组", "医疗组"),
        "liaison": ("联络排查组", "排查组", "联络组"),
        "cleaning": ("保洁消杀组", "消杀组", "保洁组"),
        "security": ("安保维稳组", "安保组", "安保维稳"),
    },
    "task": {
        "delivery": ("配送",),
        "guard": ("值守",),
        "screening": ("排查",),
        "disinfection": ("消杀",),
        "driving": ("出车",),
        "data_entry": ("录入",),
        "patrol": ("巡查",),
        "counselling": ("心理疏导",),
        "medical_duty": ("医疗值班",),
    },
    "category": {
        "vegetables": ("蔬菜",),
        "fruit": ("水果",),
        "staples": ("米面油",),
        "medicine": ("药品",),
        "daily_goods": ("生活用品",),
        "baby_goods": ("母婴用品",),
    },
    "source": {
        "donated": ("捐赠",),
        "group_buy": ("团购",),
        "online": ("网购",),
        "government": ("政府调配",),
    },
    "urgency": {"urgent": ("紧急",), "normal": ("一般",)},
    "status": {
        "open": ("待处理",),
        "in_progress": ("处理中",),
        "delivered": ("已送达",),
        "cancelled": ("已取消",),
    },
    "symptom": {
        "fever": ("发热",),
        "cough": ("咳嗽",),
        "fatigue": ("乏力",),
        "diarrhoea": ("腹泻",),
        "none": ("无",),
    },
    "disposition": {
        "watch": ("居家观察",),
        "reported": ("上报",),
        "isolated": ("隔离",),
        "to_hospital": ("送医",),
        "cleared": ("排除",),
    },
    "case_class": {
        "confirmed": ("确诊",),
        "suspected": ("疑似",),
        "asymptomatic": ("无症状",),
        "close_contact": ("密接",),
    },
    "outcome": {
        "hospitalised": ("住院",),
        "isolated": ("隔离",),
        "recovered": ("治愈",),
        "ruled_out": ("排除",),
        "died": ("死亡",),
    },
    "seal_reason": {
        "confirmed": ("确诊",),
        "suspected": ("疑似",),
        "close_contact": ("密接",),
        "precaution": ("预防",),
    },
    "purpose": {
        "prenatal": ("产检",),
        "emergency": ("急诊",),
        "surgery": ("手术",),
        "dialysis": ("透析",),
        "follow_up": ("复诊",),
        "medicine_pickup": ("取药",),
        "other": ("其他",),
    },
    "vulnerable": {
        "elderly": ("老人",),
        "pregnant": ("孕妇",),
        "child": ("儿童",),
        "chronic": ("慢性病",),
        "disabled": ("残疾",),
    },
}

# Domains where text matching no label is kept as typed ("or another text").
OPEN_DOMAINS = {"volunteer_kind", "task", "category", "purpose"}


# -- Bounds: what a plausible value is (DATA_CONTRACT; ARCHITECTURE.md "Bounds").
# Both import paths (per row and column-at-a-time) read these, and the templates' notes
# state them; a value outside is a rejected row whose reason names the bound.
TEXT_MAX_CHARS = 1_000       # any cell of a known column, after normalising (NFKC, controls out)
# Every date and time lies inside the compound's window: from its lockdown start (else 1 January
# of its configured year, else a year before the import day) minus a margin, to the import day
# plus one day. The margin is a setting of the compound (compounds.window_margin_days); this is
# its default. The rule itself is one SQL table macro (queries/rules/compound_window.sql),
# read by the importer and by the dashboard's date bounds.
WINDOW_MARGIN_DAYS = 30
WINDOW_FALLBACK_DAYS = 365   # no lockdown start and no year: the window opens this long before today


def window_params(today) -> dict:
    """The parameters of compound_window (and of the queries that use it) for a day."""
    return {"today": today, "margin_days": WINDOW_MARGIN_DAYS, "fallback_days": WINDOW_FALLBACK_DAYS}


@dataclass(frozen=True)
class Column:
    name: str          # English column name in the contract and the table
    zh: str            # Chinese header
    type: str          # parser (sitrep/ingest/rules.py TYPES): text building room int float date
                       # time datetime address quantity unit temp bool floors volref
                       # code:<domain> list:<domain>
    required: bool = False
    aliases: tuple[str, ...] = ()
    range: tuple[float, float] | None = None   # inclusive bounds of a number (int float quantity temp)
    default: str | None = None   # the value of a new record whose cell is blank (updates keep the old)
    # Personal data, masked for a viewer who may not see it (sitrep/app/privacy.py): what the
    # column holds, "name" "phone" "room" (a room number) "address" (a whole address), or None.
    personal: str | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    zh: str
    columns: tuple[Column, ...]
    # Columns that together stand in for a required column (deliveries: 楼栋 + 房号).
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Key of the record for updates (None: rows are events, identical rows are duplicates).
    update_key: tuple[str, ...] | None = None
    register: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


C = Column
ADDRESS = C("address", "地址", "address", True, personal="address")
BUILDING_ROOM = (C("building", "楼栋", "building"), C("room", "房号", "room", personal="room"))

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("buildings", "楼栋", (
        C("building", "楼栋", "building", True),
        C("floors", "层数", "int", True, range=(1, 80)),
        C("units", "单元数", "int", range=(1, 20)),
        C("households_per_floor", "每层户数", "int", range=(1, 50)),
        C("x_m", "位置X", "float", range=(-10_000, 10_000)),
        C("y_m", "位置Y", "float", range=(-10_000, 10_000)),
        C("width_m", "宽", "float", range=(0, 1_000)),
        C("depth_m", "深", "float", range=(0, 1_000)),
    ), update_key=("building",), register=True),
    Kind("households", "住户", (
        C("building", "楼栋", "building", True),
        C("unit", "单元", "text"),
        C("room", "房号", "room", True, personal="room"),
        C("residents", "人数", "int", range=(0, 50)),
        C("vulnerable", "重点人群", "list:vulnerable"),
        C("phone", "联系电话", "text", personal="phone"),
    ), update_key=("building", "unit", "room"), register=True),
    Kind("volunteers", "志愿者", (
        C("volunteer_id", "编号", "text", True),
        C("name", "姓名", "text", True, personal="name"),
        C("kind", "身份", "code:volunteer_kind", True),
        C("group", "小组", "code:group", True),
        C("task_force", "专班", "bool"),
        C("joined_on", "加入日期", "date"),
        C("phone", "电话", "text", personal="phone"),
        C("home", "住址", "text", personal="address"),
    ), update_key=("volunteer_id",), register=True),
    Kind("shifts", "值班记录", (
        C("date", "日期", "date", True),
        C("volunteer", "志愿者", "volref", True, personal="name"),
        C("start", "开始", "time", True),
        C("end", "结束", "time", True),
        C("task", "任务", "code:task", True),
        C("building", "楼栋", "building"),
    )),
    Kind("deliveries", "配送记录", (
        C("delivered_at", "送达时间", "datetime", True),
        ADDRESS,
        *BUILDING_ROOM,
        C("category", "物资", "code:category", True),
        C("quantity", "数量", "quantity", range=(0, 100_000)),
        C("qty_unit", "单位", "unit"),
        C("source", "来源", "code:source"),
        C("volunteer", "配送人", "volref", personal="name"),
    ), alternatives={"address": ("building", "room")}),
    Kind("medicine_requests", "药品需求", (
        C("request_id", "需求编号", "text", True),
        C("requested_at", "登记时间", "datetime", True),
        ADDRESS,
        C("medicine", "药品", "text", True),
        C("condition", "病种", "text"),
        C("urgency", "紧急程度", "code:urgency", default="normal"),
        C("hospital", "对接医院", "text"),
        C("status", "状态", "code:status", True),
        C("fulfilled_at", "送达时间", "datetime"),
        C("handler", "经办人", "volref", personal="name"),
        C("patient", "患者", "text", personal="name"),
    ), update_key=("request_id",)),
    Kind("screenings", "健康排查", (
        C("date", "日期", "date", True),
        ADDRESS,
        C("persons_checked", "测温人数", "int", range=(0, 50)),
        C("max_temp_c", "最高体温", "temp", range=(34.0, 43.0)),
        C("symptoms", "症状", "list:symptom"),
        C("disposition", "处置", "code:disposition"),
        C("screener", "排查人", "volref", personal="name"),
    )),
    Kind("cases", "病例", (
        C("case_id", "病例编号", "text", True),
        ADDRESS,
        C("class", "分类", "code:case_class", True),
        C("reported_on", "报告日期", "date", True),
        C("outcome", "转归", "code:outcome"),
        C("outcome_on", "转归日期", "date"),
    ), update_key=("case_id",)),
    Kind("seals", "封控记录", (
        C("building", "楼栋", "building", True),
        C("floors", "楼层", "floors"),
        C("sealed_from", "开始", "date", True),
        C("sealed_until", "结束", "date"),
        C("reason", "原因", "code:seal_reason"),
    ), update_key=("building", "floor", "sealed_from")),
    Kind("vehicle_trips", "出车记录", (
        C("departed_at", "出车时间", "datetime", True),
        C("returned_at", "返回时间", "datetime"),
        C("address", "地址", "address", personal="address"),
        C("purpose", "事由", "code:purpose", True),
        C("destination", "目的地", "text"),
        C("driver", "司机", "volref", personal="name"),
    )),
)}

# Register kinds load before the logs when several files are imported together.
LOAD_ORDER = ["buildings", "households", "volunteers", "seals", "shifts", "deliveries",
              "medicine_requests", "screenings", "cases", "vehicle_trips"]
