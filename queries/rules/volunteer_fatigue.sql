-- Rule: who is past a fatigue limit on a day: a long day, too many days in a row without a
-- rest day, or too many hours in the seven days ending that day?
-- A rest day is a day without any shift (shifts_in_scope: a shift counts on its date; with a
-- building filter, only the hours and days worked in its buildings). is_long_day: at least
-- p_day_hours on p_as_of; is_without_rest: at least p_days_without_rest days in a row with a
-- shift, ending on p_as_of; is_long_week: at least p_week_hours in the seven days ending on
-- p_as_of; is_fatigued: any of them.
-- Grain: one row per volunteer (volunteer_key, with volunteer_id, name, group and kind as
-- shifts_in_scope has them) with a shift in the seven days ending on p_as_of.
-- Parameters: p_compound, p_buildings (empty list = all), p_as_of, p_day_hours,
--   p_days_without_rest, p_week_hours (config.FATIGUE).
create or replace temp macro volunteer_fatigue(p_compound, p_buildings, p_as_of, p_day_hours,
                                               p_days_without_rest, p_week_hours) as table
with

shifts as (
    select * from shifts_in_scope(p_compound, p_buildings, null, p_as_of)
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
        and today.day = p_as_of::date
    group by islands.volunteer_key
),

week as (
    select volunteer_key, sum(hours) as week_hours
    from days_worked
    where day > p_as_of::date - 7
    group by volunteer_key
),

today as (
    select volunteer_key, hours as day_hours
    from days_worked
    where day = p_as_of::date
),

people as (
    -- one volunteer_key is one register entry, or one name as typed
    select volunteer_key, any_value(volunteer_id) as volunteer_id, any_value(name) as name,
        any_value("group") as "group", any_value(kind) as kind
    from shifts
    where day > p_as_of::date - 7
    group by volunteer_key
),

assessed as (
    select
        week.volunteer_key,
        coalesce(today.day_hours, 0) as day_hours,
        coalesce(streaks.days_in_a_row, 0) as days_in_a_row,
        week.week_hours
    from week
    left join today using (volunteer_key)
    left join streaks using (volunteer_key)
),

limits as (
    select *,
        day_hours >= p_day_hours as is_long_day,
        days_in_a_row >= p_days_without_rest as is_without_rest,
        week_hours >= p_week_hours as is_long_week
    from assessed
),

final as (
    select
        limits.volunteer_key,
        people.volunteer_id,
        people.name,
        people."group",
        people.kind,
        limits.day_hours,
        limits.days_in_a_row,
        limits.week_hours,
        limits.is_long_day,
        limits.is_without_rest,
        limits.is_long_week,
        limits.is_long_day or limits.is_without_rest or limits.is_long_week as is_fatigued
    from limits
    join people using (volunteer_key)
)

select * from final;
