-- Who is past a fatigue limit on the as-of date: a long day, too many days in a row without
-- a rest day, or too many hours in the last seven days?
-- Grain: one row per volunteer past at least one limit on $as_of, most limits first.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $day_hours (a long day: at
--   least this many hours on $as_of), $days_without_rest (at least this many days in a row
--   with a shift, ending on $as_of), $week_hours (at least this many hours in the seven
--   days ending on $as_of).
-- A shift counts on its date (one past midnight on the day it started); a rest day is a day
-- without any shift. A volunteer is the register's volunteer_id, or the name as typed when
-- it did not resolve (volunteer_id null, group and kind 'unresolved'). `name` is personal:
-- the page masks it. With a building filter, only shifts that name a building in the
-- filter count (hours and days worked there).
with

shifts as (
    select
        shifts.date as day,
        shifts.volunteer_id,
        shifts.volunteer,
        coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.hours
    from shifts
    where shifts.compound = $compound
        and shifts.date <= $as_of::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
),

volunteers as (
    select volunteer_id, name, kind, "group"
    from volunteers
    where compound = $compound
),

days_worked as (
    select volunteer_key, day, sum(hours) as hours
    from shifts
    group by volunteer_key, day
),

islands as (
    -- consecutive days share an island: the day minus its rank is constant along a run
    select volunteer_key, day,
        day - cast(row_number() over (partition by volunteer_key order by day) as integer) as island
    from days_worked
),

streaks as (
    select islands.volunteer_key, count(*) as days_in_a_row
    from islands
    join islands as today
        on today.volunteer_key = islands.volunteer_key
        and today.island = islands.island
        and today.day = $as_of::date
    group by islands.volunteer_key
),

week as (
    select volunteer_key, sum(hours) as week_hours
    from days_worked
    where day > $as_of::date - 7
    group by volunteer_key
),

today as (
    select volunteer_key, hours as day_hours
    from days_worked
    where day = $as_of::date
),

people as (
    select volunteer_key, any_value(volunteer_id) as volunteer_id, any_value(volunteer) as typed
    from shifts
    where day > $as_of::date - 7
    group by volunteer_key
),

assessed as (
    select
        week.volunteer_key,
        coalesce(today.day_hours, 0) as day_hours,
        coalesce(streaks.days_in_a_row, 0) as days_in_a_row,
        week.week_hours,
        coalesce(today.day_hours, 0) >= $day_hours as is_long_day,
        coalesce(streaks.days_in_a_row, 0) >= $days_without_rest as is_without_rest,
        week.week_hours >= $week_hours as is_long_week
    from week
    left join today using (volunteer_key)
    left join streaks using (volunteer_key)
),

final as (
    select
        people.volunteer_id,
        coalesce(volunteers.name, people.typed) as name,
        coalesce(volunteers."group", 'unresolved') as "group",
        coalesce(volunteers.kind, 'unresolved') as kind,
        round(assessed.day_hours, 1) as day_hours,
        assessed.days_in_a_row,
        round(assessed.week_hours, 1) as week_hours,
        assessed.is_long_day,
        assessed.is_without_rest,
        assessed.is_long_week
    from assessed
    join people using (volunteer_key)
    left join volunteers using (volunteer_id)
    where assessed.is_long_day or assessed.is_without_rest or assessed.is_long_week
    order by
        assessed.is_long_day::int + assessed.is_without_rest::int + assessed.is_long_week::int desc,
        assessed.week_hours desc,
        assessed.volunteer_key
)

select * from final
