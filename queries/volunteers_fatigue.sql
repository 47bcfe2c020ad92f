-- Who is past a fatigue limit on the as-of date: a long day, too many days in a row without
-- a rest day, or too many hours in the last seven days?
-- Grain: one row per volunteer past at least one limit on $as_of, most limits first.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $day_hours (a long day: at
--   least this many hours on $as_of), $days_without_rest (at least this many days in a row
--   with a shift, ending on $as_of), $week_hours (at least this many hours in the seven
--   days ending on $as_of).
-- The limits as the shared rule volunteer_fatigue has them (queries/rules/): a rest day is a
-- day without any shift; with a building filter, only the hours and days worked there count.
-- A volunteer is the register's volunteer_id, or the name as typed when it did not resolve
-- (volunteer_id null, group and kind 'unresolved': shifts_in_scope). `name` is personal: ui.query
-- masks it (the contract's mark).
with

assessed as (
    select *
    from volunteer_fatigue($compound, $buildings, $as_of, $day_hours, $days_without_rest,
                           $week_hours)
    where is_fatigued
),

final as (
    select
        volunteer_id,
        name,
        "group",
        kind,
        round(day_hours, 1) as day_hours,
        days_in_a_row,
        round(week_hours, 1) as week_hours,
        is_long_day,
        is_without_rest,
        is_long_week
    from assessed
    order by is_long_day::int + is_without_rest::int + is_long_week::int desc, week_hours desc,
        volunteer_key
)

select * from final
