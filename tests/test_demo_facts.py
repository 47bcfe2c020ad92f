"""The demo scenario tells the story of the news report (the product brief, BRIEF.md).

Each test asks the imported demo snapshot (`demo_con`: the files sitrep.demo writes, loaded
by the real importer) one question in SQL and checks the answer against the fact it encodes.
The last tests check the generator itself: same bytes every run, small output, data/demo/ current.
"""
from __future__ import annotations

import hashlib
from datetime import date, time, timedelta
from pathlib import Path

from sitrep import demo

FIRST_DAY = demo.LOCKDOWN_FROM                          # the compound was sealed
LAST_DAY = demo.LOCKDOWN_UNTIL - timedelta(days=1)      # the logs end the day before it reopened
CALL_DAY = demo.CALL_ON                                 # volunteers, deliveries, screenings from here
FEB_END = date(2020, 2, 29)


def one(con, sql: str, **params):
    return con.execute(sql, params).fetchone()


# ------------------------------------------------------------------------ the compound

def test_more_than_1200_households_in_16_buildings(demo_con):
    households, buildings = one(demo_con, """
        select count(*), count(distinct building) from households
    """)
    assert (households, buildings) == (1288, 16), \
        f"the register should hold 1,288 households (more than 1,200) in 16 buildings, got {households} in {buildings}"


def test_b5_has_33_floors_and_more_than_100_households(demo_con):
    floors, households, on_13th = one(demo_con, """
        select any_value(buildings.floors), count(*), count(*) filter (where households.floor = 13)
        from buildings
        join households using (building)
        where building = 'B5'
    """)
    assert (floors, households) == (33, 132) and on_13th > 0, \
        f"B5 should have 33 floors, 132 households and a 13th floor, got {floors}, {households}, {on_13th}"


# ------------------------------------------------------------------- cases and seals

def test_four_confirmed_cases_by_the_day_of_the_seal(demo_con):
    (confirmed,) = one(demo_con, """
        select count(*) from cases where class = 'confirmed' and reported_on <= $first_day
    """, first_day=FIRST_DAY)
    assert confirmed == 4, f"4 confirmed cases by {FIRST_DAY} caused the seal, got {confirmed}"


def test_case_buildings_sealed_whole_from_feb_4(demo_con):
    (buildings,) = one(demo_con, """
        select list(building order by building)
        from seals
        where floor is null and sealed_from = $first_day and reason = 'confirmed'
    """, first_day=FIRST_DAY)
    assert buildings == ["A6", "B2", "B5"], \
        f"the buildings of the first confirmed cases should be sealed whole from {FIRST_DAY}, got {buildings}"


def test_b5_last_case_on_feb_8_after_suspected_on_feb_7(demo_con):
    last_case, confirmed, c005_first_class = one(demo_con, """
        select
            max(reported_on),
            count(*) filter (where class = 'confirmed'),
            (select class from case_events where case_id = 'C005' order by event_seq limit 1)
        from cases
        where building = 'B5'
    """)
    assert (last_case, confirmed, c005_first_class) == (date(2020, 2, 8), 3, "suspected"), \
        f"B5: 3 confirmed, the last (C005, suspected first) on 02-08; got {last_case}, {confirmed}, {c005_first_class}"


def test_whole_building_seals_lift_14_days_after_the_last_case(demo_con):
    rows = demo_con.execute("""
        with last_case as (
            select building, max(reported_on) as last_on
            from cases
            where class in ('confirmed', 'suspected')
            group by building
        )
        select seals.building, seals.sealed_from, seals.sealed_until, last_case.last_on + 14
        from seals
        join last_case using (building)
        where seals.floor is null
        order by seals.building
    """).fetchall()
    got = [(b, start, until) for b, start, until, _ in rows]
    assert got == [
        ("A6", date(2020, 2, 4), date(2020, 2, 18)),
        ("B2", date(2020, 2, 4), date(2020, 2, 18)),
        ("B5", date(2020, 2, 4), date(2020, 2, 22)),
        ("B7", date(2020, 2, 12), date(2020, 2, 26)),
    ], f"whole-building seals (building, from, until): {got}"
    assert all(until == expected for _, _, until, expected in rows), \
        f"each whole-building seal should lift 14 days after the building's last case: {rows}"


def test_every_seal_lifted_by_the_reopening(demo_con):
    open_seals, seals = one(demo_con, """
        select count(*) filter (where sealed_until is null or sealed_until > $reopened_on), count(*)
        from seals
    """, reopened_on=demo.LOCKDOWN_UNTIL)
    assert seals > 4 and open_seals == 0, \
        f"all {seals} seals should be lifted by {demo.LOCKDOWN_UNTIL}; {open_seals} are not"


def test_suspected_cases_ruled_out_in_days_with_their_floors_sealed(demo_con):
    rows = demo_con.execute("""
        select
            cases.case_id,
            cases.outcome,
            cases.outcome_on - cases.reported_on as days_to_clear,
            count(seals.floor) as sealed_floors_around
        from cases
        left join seals
            on seals.building = cases.building
            and seals.floor between cases.floor - 1 and cases.floor + 1
            and seals.sealed_from = cases.reported_on
            and seals.sealed_until = cases.outcome_on
            and seals.reason = 'suspected'
        where cases.class = 'suspected'
        group by all
        order by cases.case_id
    """).fetchall()
    assert len(rows) >= 4, f"4-5 suspected cases should stay suspected (then ruled out), got {rows}"
    assert all(outcome == "ruled_out" and 2 <= days <= 4 and floors >= 2 for _, outcome, days, floors in rows), \
        f"each suspected case: ruled out 2-4 days later, its floor and a neighbour sealed until then: {rows}"


def test_suspected_cases_found_by_a_fever_screening(demo_con):
    suspected, screened = one(demo_con, """
        with suspected as (
            select distinct case_id, building, room, reported_on
            from case_events
            where class = 'suspected'
        )
        select count(*), count(*) filter (where exists (
            select 1
            from screenings
            where screenings.building = suspected.building
                and screenings.room = suspected.room
                and screenings.date = suspected.reported_on
                and screenings.max_temp_c >= 37.3
                and screenings.disposition in ('reported', 'to_hospital')
        ))
        from suspected
    """)
    assert suspected >= 6 and screened == suspected, \
        f"every suspected case should show as a reported fever on its day: {screened} of {suspected}"


# ---------------------------------------------------------------------- volunteers

def test_task_force_of_16_formed_on_feb_5(demo_con):
    row = one(demo_con, """
        select
            count(*),
            count(*) filter (where kind = 'stationed_cadre'),
            count(*) filter (where kind = 'city_cadre'),
            count(*) filter (where kind = 'property'),
            min(joined_on),
            max(joined_on)
        from volunteers
        where task_force
    """)
    assert row == (16, 8, 7, 1, date(2020, 2, 5), date(2020, 2, 5)), \
        f"task force: 16 (8 stationed, 7 city cadres, 1 property head) formed 02-05, got {row}"


def test_six_groups_each_with_task_force_members(demo_con):
    groups, led = one(demo_con, """
        select list(distinct "group" order by "group"), count(distinct "group") filter (where task_force)
        from volunteers
    """)
    assert groups == sorted(["coordination", "supply", "medical", "liaison", "cleaning", "security"]) and led == 6, \
        f"six groups, each with a task-force member at its head: {groups}, {led} led"


def test_58_party_member_and_15_lei_feng_volunteers_by_feb_10(demo_con):
    row = one(demo_con, """
        select
            count(*) filter (where kind = 'party_member' and joined_on <= $report_day),
            count(*) filter (where kind = 'lei_feng' and joined_on <= $report_day),
            min(joined_on)
        from volunteers
        where kind in ('party_member', 'lei_feng')
    """, report_day=demo.REPORT_DAY)
    assert row == (58, 15, CALL_DAY), \
        f"58 Party-member and 15 Lei Feng volunteers by {demo.REPORT_DAY}, answering the call of {CALL_DAY}: {row}"


def test_medical_team_of_two_hospital_and_two_resident_doctors(demo_con):
    row = one(demo_con, """
        select
            count(*),
            count(*) filter (where "group" = 'medical'),
            count(*) filter (where home is null),
            min(joined_on)
        from volunteers
        where kind = 'doctor'
    """)
    assert row == (4, 4, 2, date(2020, 2, 5)), \
        f"4 doctors in the medical group (2 from the district hospital, 2 living here) from 02-05: {row}"


def test_three_counsellors_counsel(demo_con):
    row = one(demo_con, """
        select
            count(*),
            count(*) filter (where "group" = 'liaison' and joined_on = date '2020-02-07'),
            (select count(distinct volunteer_id) from shifts where task = 'counselling')
        from volunteers
        where kind = 'counsellor'
    """)
    assert row == (3, 3, 3), f"3 counsellors in the liaison group from 02-07, all with counselling shifts: {row}"


def test_medical_duty_around_the_clock(demo_con):
    (uncovered,) = one(demo_con, """
        with hours as (
            select unnest(generate_series($from_day::timestamp, $last_day::timestamp + interval 23 hour,
                                          interval 1 hour)) as hour_start
        )
        select count(*)
        from hours
        where not exists (
            select 1
            from shifts
            where shifts.task = 'medical_duty'
                and shifts.start <= hours.hour_start
                and shifts."end" >= hours.hour_start + interval 1 hour
        )
    """, from_day=CALL_DAY, last_day=LAST_DAY)
    assert uncovered == 0, f"a doctor should be on duty every hour {CALL_DAY}..{LAST_DAY}; {uncovered} hours are not"


def test_every_building_door_guarded_every_day(demo_con):
    uncovered, checked = one(demo_con, """
        with days as (
            select unnest(generate_series($first_day::timestamp, $last_day::timestamp, interval 1 day)) as day
        ),
        hours as (
            select buildings.building, days.day + to_hours(r.h) as hour_start
            from buildings
            cross join days
            cross join range(7, 19) as r(h)
        )
        select
            count(*) filter (where not exists (
                select 1
                from shifts
                where shifts.task = 'guard'
                    and shifts.building = hours.building
                    and shifts.start <= hours.hour_start
                    and shifts."end" >= hours.hour_start + interval 1 hour
            )),
            count(*)
        from hours
    """, first_day=FIRST_DAY, last_day=LAST_DAY)
    expected = 16 * ((LAST_DAY - FIRST_DAY).days + 1) * 12
    assert checked == expected and uncovered == 0, \
        f"every building's door should be guarded 07:00-19:00 every day; {uncovered} of {checked} building-hours are not"


def test_one_volunteer_enters_the_forms_10_hours_every_day(demo_con):
    (clerks,) = one(demo_con, """
        with daily as (
            select volunteer_id, date, sum(hours) as hours
            from shifts
            where task = 'data_entry'
            group by all
        ),
        long_days as (
            select volunteer_id, count(*) filter (where hours >= 10) as days
            from daily
            group by all
        )
        select count(*)
        from long_days
        join volunteers using (volunteer_id)
        where volunteers."group" = 'coordination'
            and long_days.days = $last_day - $from_day + 1
    """, from_day=CALL_DAY, last_day=LAST_DAY)
    assert clerks == 1, f"one coordination volunteer should enter data 10+ hours every day, got {clerks}"


def test_most_volunteers_get_a_rest_day(demo_con):
    (share,) = one(demo_con, """
        with worked as (
            select distinct volunteer_id, date from shifts where volunteer_id is not null
        ),
        islands as (
            select volunteer_id,
                date - cast(row_number() over (partition by volunteer_id order by date) as integer) as island
            from worked
        ),
        streaks as (
            select volunteer_id, count(*) as days from islands group by volunteer_id, island
        ),
        longest as (
            select volunteer_id, max(days) as days from streaks group by volunteer_id
        )
        select count(*) filter (where days <= 6) / count(*) from longest
    """)
    assert share >= 0.8, f"most volunteers should rest at least every 6 days, only {share:.0%} do"


def test_every_volunteer_reference_resolves(demo_con):
    row = one(demo_con, """
        select
            (select count(*) from shifts) > 0,
            (select count(*) from shifts where volunteer_id is null),
            (select count(*) from deliveries where volunteer is not null and volunteer_id is null),
            (select count(*) from screenings where screener is not null and volunteer_id is null),
            (select count(*) from medicine_requests where handler is not null and volunteer_id is null),
            (select count(*) from vehicle_trips where driver is not null and volunteer_id is null)
    """)
    assert row == (True, 0, 0, 0, 0, 0), f"unresolved volunteer references (shifts, deliveries, screenings, ...): {row}"


# ----------------------------------------------------------------------- the car

def test_the_car_on_feb_10_ran_0830_to_after_15_with_a_20_minute_lunch(demo_con):
    first, last, gaps, idle = one(demo_con, """
        with trips as (
            select departed_at, returned_at,
                lag(returned_at) over (order by departed_at) as previous_return
            from vehicle_trips
            where departed_at::date = $report_day
        )
        select
            min(departed_at)::time,
            max(returned_at)::time,
            count(*) filter (where departed_at > previous_return),
            sum(date_diff('minute', previous_return, departed_at)) filter (where departed_at > previous_return)
        from trips
    """, report_day=demo.REPORT_DAY)
    assert first == time(8, 30) and last > time(15, 0) and (gaps, idle) == (1, 20), \
        f"on {demo.REPORT_DAY}: first out {first}, last back {last}, {gaps} idle gaps of {idle} minutes in all"


def test_the_one_car_never_makes_two_trips_at_once(demo_con):
    overlaps, busiest_day, days = one(demo_con, """
        with trips as (
            select departed_at, lag(returned_at) over (order by departed_at) as previous_return
            from vehicle_trips
        ),
        daily as (
            select departed_at::date as day, count(*) as trips from vehicle_trips group by all
        )
        select
            (select count(*) from trips where departed_at < previous_return),
            (select max(trips) from daily),
            (select count(*) from daily)
    """)
    assert overlaps == 0 and busiest_day <= 4 and days == (LAST_DAY - CALL_DAY).days + 1, \
        f"one car: {overlaps} overlapping trips, {busiest_day} trips on its busiest day (1-4 a day), out on {days} days"


def test_driver_shifts_match_the_trips(demo_con):
    unmatched, trips = one(demo_con, """
        select
            count(*) filter (where not exists (
                select 1
                from shifts
                where shifts.task = 'driving'
                    and shifts.volunteer_id = vehicle_trips.volunteer_id
                    and shifts.start = vehicle_trips.departed_at
                    and shifts."end" = vehicle_trips.returned_at
            )),
            count(*)
        from vehicle_trips
    """)
    assert trips > 0 and unmatched == 0, f"every trip should be a driving shift of its driver: {unmatched} of {trips} are not"


# ------------------------------------------------------------------------- medicine

def test_tibial_necrosis_medicine_delivered_within_two_hours(demo_con):
    rows = demo_con.execute("""
        select
            medicine_requests.urgency,
            medicine_requests.hospital,
            medicine_requests.status,
            date_diff('minute', medicine_requests.requested_at, medicine_requests.fulfilled_at),
            medicine_requests.patient,
            volunteers."group"
        from medicine_requests
        left join volunteers using (volunteer_id)
        where medicine_requests.condition = '胫骨坏死'
            and medicine_requests.requested_at::date = date '2020-02-09'
    """).fetchall()
    assert len(rows) == 1, f"one tibial-necrosis request on 2020-02-09, got {rows}"
    urgency, hospital, status, minutes, patient, group = rows[0]
    assert (urgency, hospital, status, group) == ("urgent", "咸宁市中医医院", "delivered", "medical") \
        and minutes <= 120 and "65岁" in patient, \
        f"the 65-year-old's urgent request: city TCM hospital, medical group, within 2 h: {rows[0]}"


def test_urgent_medicine_mostly_within_two_hours(demo_con):
    within, delivered, still_open, cancelled = one(demo_con, """
        select
            count(*) filter (where urgency = 'urgent' and status = 'delivered'
                             and fulfilled_at <= requested_at + interval 2 hour),
            count(*) filter (where urgency = 'urgent' and status = 'delivered'),
            count(*) filter (where status in ('open', 'in_progress')),
            count(*) filter (where status = 'cancelled')
        from medicine_requests
    """)
    assert delivered > 10 and within / delivered >= 0.75 and still_open > 0 and cancelled > 0, \
        f"{within} of {delivered} urgent deliveries within 2 h; {still_open} open, {cancelled} cancelled"


def test_three_to_six_medicine_requests_a_day(demo_con):
    fewest, most, days = one(demo_con, """
        with daily as (
            select requested_at::date as day, count(*) as requests from medicine_requests group by all
        )
        select min(requests), max(requests), count(*) from daily
    """)
    expected_days = (LAST_DAY - demo.TASK_FORCE_ON).days + 1
    assert fewest >= 3 and most <= 6 and days == expected_days, \
        f"3-6 medicine requests every day from {demo.TASK_FORCE_ON}: {fewest}-{most} a day on {days} days"


# ----------------------------------------------------------------------- deliveries

def test_donated_vegetables_and_fruit_arrive_every_day(demo_con):
    (days_without,) = one(demo_con, """
        with days as (
            select unnest(generate_series($from_day::timestamp, $last_day::timestamp, interval 1 day))::date as day
        )
        select count(*)
        from days
        where not exists (select 1 from deliveries where delivered_at::date = days.day
                              and source = 'donated' and category = 'vegetables')
            or not exists (select 1 from deliveries where delivered_at::date = days.day
                              and source = 'donated' and category = 'fruit')
    """, from_day=CALL_DAY, last_day=LAST_DAY)
    assert days_without == 0, f"donated vegetables and fruit should arrive every day; {days_without} days without"


def test_several_hundred_jin_carried_into_b5_on_feb_10(demo_con):
    kg, homes, households = one(demo_con, """
        select
            sum(deliveries.kg),
            count(distinct deliveries.room),
            (select count(*) from households where building = 'B5')
        from deliveries
        where deliveries.building = 'B5' and deliveries.delivered_at::date = $report_day
    """, report_day=demo.REPORT_DAY)
    assert 100 <= kg <= 500 and homes >= 0.9 * households, \
        f"B5 on {demo.REPORT_DAY}: several hundred jin ({kg} kg) to {homes} of {households} sealed homes"


def test_deliveries_peak_in_the_morning(demo_con):
    deliveries, morning, sources = one(demo_con, """
        select
            count(*),
            count(*) filter (where delivered_at::time between time '08:00' and time '11:30') / count(*),
            list(distinct source order by source)
        from deliveries
    """)
    assert 18_000 <= deliveries <= 25_000 and morning >= 0.6 \
        and sources == ["donated", "government", "group_buy", "online"], \
        f"{deliveries} deliveries, {morning:.0%} in the morning, from {sources}"


# ----------------------------------------------------------------------- screenings

def test_homes_screened_daily_in_february_every_other_day_in_march(demo_con):
    february, march = one(demo_con, """
        with daily as (
            select date, count(distinct (building, room)) / (select count(*) from households) as share
            from screenings
            group by date
        )
        select
            min(share) filter (where date between $from_day and $feb_end),
            avg(share) filter (where date > $feb_end)
        from daily
    """, from_day=CALL_DAY, feb_end=FEB_END)
    assert february >= 0.95 and 0.4 <= march <= 0.6, \
        f"February: at least {february:.0%} of homes screened daily; March: {march:.0%} a day"


def test_fever_is_rare(demo_con):
    (share,) = one(demo_con, """
        select count(*) filter (where max_temp_c >= 37.3) / count(*) from screenings
    """)
    assert 0.0005 <= share <= 0.004, f"fever should be rare (about 0.1-0.3% of screenings), got {share:.2%}"


# ------------------------------------------------------------------------ the generator

def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_generate_is_deterministic(tmp_path):
    first = demo.generate(tmp_path / "one")
    second = demo.generate(tmp_path / "two")
    assert [p.name for p in first] == [p.name for p in second] == list(demo.FILES), "the same files, in order"
    assert _digests(tmp_path / "one") == _digests(tmp_path / "two"), "two runs should write identical bytes"


def test_demo_files_are_small(tmp_path):
    paths = demo.generate(tmp_path)
    total = sum(p.stat().st_size for p in paths)
    assert total < 4 * 1024 * 1024, f"the demo files should stay under 4 MB, got {total / 1e6:.1f} MB"


def test_committed_demo_csvs_are_what_generate_writes(demo_files):
    # data/demo/ in git is what `make run` serves first; the CSVs come from the standard library
    # alone, so their bytes are stable across versions (the XLSX files depend on openpyxl's).
    committed = Path(__file__).resolve().parent.parent / "data" / "demo"
    csvs = [name for name in demo.FILES if name.endswith(".csv")]
    assert len(csvs) == 7
    differ = [name for name in csvs if (committed / name).read_bytes() != (demo_files / name).read_bytes()]
    assert differ == [], f"regenerate data/demo/ (python -m sitrep demo): {differ} differ from what generate writes"
