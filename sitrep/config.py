"""Settings in one place: thresholds and targets that the queries take as parameters."""
from __future__ import annotations

TIMEZONE = "Asia/Shanghai"    # every stored time is the compound's local time, without a zone
FEVER_C = 37.3               # fever: a screening with max_temp_c at or above this
MEDICINE_TARGET_HOURS = {"urgent": 2, "normal": 24}
FATIGUE = {"day_hours": 10, "days_without_rest": 7, "week_hours": 60}
# fever alert: a building's fever count today above its own recent baseline
FEVER_ALERT = {"baseline_days": 7, "factor": 2.0, "min_count": 2}
DELIVERY_GAP_HOURS = 48      # sealed households not reached by a delivery for this long
STALE_HOURS = 24             # a kind not imported for longer than this is flagged stale
# the daily logs (the registers of buildings, households and volunteers change rarely)
LOG_KINDS = ("seals", "shifts", "deliveries", "medicine_requests", "screenings", "cases", "vehicle_trips")
TREND_DAYS = 14              # the overview's compact trends
MAX_RANGE_DAYS = 366         # the widest trend range a page queries (daily rows sent to the browser)
MAX_TABLE_ROWS = 5_000       # rows of one table sent to the browser (the CSV download has them all)
CACHE_TTL_S = 600
LOCKOUT = {"attempts": 5, "minutes": 15}   # failed sign-ins in a row, and how long they lock
BCRYPT_COST = 12             # every password hash, and the stand-in checked for unknown names
# Sign-in sessions: idle and absolute lifetime, overridden by $SITREP_SESSION_IDLE and
# $SITREP_SESSION_MAX ("12h", "7d", "90m", "30s" or seconds).
SESSION_IDLE = "12h"
SESSION_MAX = "7d"
# The daily briefing made by the running dashboard (sitrep/briefing/schedule.py): at each
# compound's briefing time (a setting, default below, local time) it renders the briefing as
# of the day before, 24:00; a failed render is tried again this many times in all.
BRIEFING_TIME = "07:00"
BRIEFING_ATTEMPTS = 3
BRIEFING_RETRY_S = 60          # between attempts
BRIEFING_TICK_S = 30           # how often the schedule looks at the clock ($SITREP_BRIEFING_TICK)
BRIEFING_WEBHOOK_TIMEOUT_S = 15
BRIEFING_PAST_DAYS = 60        # rows of the past-briefings page
SHARE_DAYS = 30                # a share link's default lifetime
MAX_SHARES = 500               # share links kept (revoked and expired ones included)
# import limits (a file over them is refused whole, with a clear message; ARCHITECTURE.md "Bounds")
MAX_FILE_MB = 20                 # also `import --max-file-mb` and $SITREP_MAX_FILE_MB
MAX_ROWS = 1_100_000             # rows per sheet
MAX_XLSX_UNCOMPRESSED_MB = 300   # sum of the workbook's unzipped parts (zip bombs)
MAX_XML_PART_MB = 10             # a workbook's own parts (workbook, relationships, styles)
MAX_COLUMNS = 256                # cells in a row (the widest kind has 11 columns)
MAX_CELL_CHARS = 32_767          # characters in one cell: Excel's own limit
MAX_CELLS = 2_000_000            # cells held in memory at once (XLSX, quoted CSV): ~150 MB
MAX_CHARS = 50_000_000           # characters of cell text in an XLSX (strings shared once)
MAX_SHEETS = 64                  # sheets in a workbook
IMPORT_DUCKDB_MEMORY = "256MB"   # DuckDB's own memory while importing (it spills to disk beyond)
READ_DUCKDB_MEMORY = "256MB"     # the one DuckDB instance a server reads every snapshot with (its cached blocks and queries)
# A writer's part-way commit over this much goes straight into the snapshot, not first into its
# write-ahead log as well (DuckDB's checkpoint_threshold): an import then writes about its own
# data once (BENCHMARKS.md, the bytes an import writes), not twice. 64 KB, not 1 MB: with small
# compounds most imports are small (a 3,000-row import into a small compound wrote 1.86× its new
# snapshot's size with 1 MB, 1.11× with 64 KB; a 300,000-row import took no longer).
IMPORT_DUCKDB_CHECKPOINT = "64KB"
# A new compound's snapshot file is made with 64 KB blocks, not DuckDB's 256 KB: a table or a
# column segment takes a block at least, and a compound is small (the demo's month, ~70,000 rows:
# 3.2 MB instead of 6.3 MB; a 300,000-row delivery log 8.5 MB instead of 9.7; 16 KB blocks made
# the demo 2.7 MB but the big log 11.7 MB). Every import copies and fsyncs that much less. A file
# keeps the block size it was made with, so older snapshots keep theirs.
SNAPSHOT_BLOCK_SIZE = 65_536


def medicine_params() -> dict:
    return {"urgent_hours": MEDICINE_TARGET_HOURS["urgent"],
            "normal_hours": MEDICINE_TARGET_HOURS["normal"]}


def freshness_params(now=None) -> dict:
    """data_freshness's parameters: now (to the minute, so results cache for a minute) and the
    stale limit."""
    return {"now": (now or local_now()).replace(second=0), "stale_hours": STALE_HOURS}


def clock() -> float:
    """Now, in seconds since the epoch. A file named by $SITREP_CLOCK_FILE (set only by tests)
    holds seconds to add, so a test can move a running server's clock (session lifetimes,
    lock-outs, the briefing's schedule) by hours or days without waiting for them."""
    import os
    import time

    skew_file = os.environ.get("SITREP_CLOCK_FILE")
    if not skew_file:
        return time.time()
    try:
        with open(skew_file, encoding="utf-8") as handle:
            skew = float(handle.read().strip() or 0)
    except (OSError, ValueError):
        skew = 0.0
    return time.time() + skew


def local_now():
    """Now in the compound's time zone, as a naive datetime (how times are stored)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(clock(), ZoneInfo(TIMEZONE)).replace(tzinfo=None, microsecond=0)
