-- The volunteer cards for a day: who was on duty, how many hours, how many buildings had no
-- door guard.
-- Grain: one row per day from $date_from to $date_to (the page asks for the as-of date and
-- the day before, for the change).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- A shift counts on its date (one past midnight on the day it started). A volunteer is one
-- person: the register's volunteer_id, or the name as typed when it did not resolve. With a
-- building filter, only shifts that name a building in the filter count. A guard gap is a
-- building (in the filter) with no 'guard' shift naming it that day, counted only on days
-- of the compound's lockdown (every day when the compound has no lockdown date).
with

days as (
    select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date as day
),

compounds as (
    select lockdown_from, lockdown_until
    from compounds
    where compound = $compound
),

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

shifts as (
    select
        shifts.date as day,
        coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.hours,
        shifts.task,
        shifts.building
    from shifts
    where shifts.compound = $compound
        and shifts.date between $date_from::date and $date_to::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
),

lockdown_days as (
    select days.day
    from days
    cross join compounds
    where (compounds.lockdown_from is null or days.day >= compounds.lockdown_from)
        and (compounds.lockdown_until is null or days.day < compounds.lockdown_until)
),

guarded as (
    select distinct day, building
    from shifts
    where task = 'guard'
),

guard_gaps as (
    select lockdown_days.day, count(*) as guard_gaps
    from lockdown_days
    cross join buildings
    left join guarded
        on guarded.day = lockdown_days.day
        and guarded.building = buildings.building
    where guarded.building is null
    group by lockdown_days.day
),

work as (
    select day, count(distinct volunteer_key) as volunteers_on_duty, sum(hours) as hours
    from shifts
    group by day
),

final as (
    select
        days.day,
        coalesce(work.volunteers_on_duty, 0) as volunteers_on_duty,
        round(coalesce(work.hours, 0), 1) as hours,
        coalesce(guard_gaps.guard_gaps, 0) as guard_gaps
    from days
    left join work using (day)
    left join guard_gaps using (day)
    order by days.day
)

select * from final
