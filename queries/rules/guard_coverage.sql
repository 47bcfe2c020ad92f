-- Rule: was each building's door guarded on each day of the lockdown?
-- A building-day is covered when at least one shift with the task 'guard' names the building
-- that day; otherwise it is a gap. Only lockdown days count (lockdown_days). entrances is the
-- register's unit count (1 without one), for context: the rule asks for one guard per
-- building, not per entrance.
-- Grain: one row per building in scope and lockdown day from p_from to p_to.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro guard_coverage(p_compound, p_buildings, p_from, p_to) as table
with

buildings as (
    select building, coalesce(units, 1) as entrances
    from scoped_buildings(p_compound, p_buildings)
),

days as (
    select day from lockdown_days(p_compound, p_from, p_to)
),

guard_shifts as (
    select day, building, count(*) as guard_shifts, sum(hours) as guard_hours
    from shifts_in_scope(p_compound, p_buildings, p_from, p_to)
    where task = 'guard'
    group by day, building
),

final as (
    select
        buildings.building,
        days.day,
        buildings.entrances,
        coalesce(guard_shifts.guard_shifts, 0) as guard_shifts,
        coalesce(guard_shifts.guard_hours, 0) as guard_hours,
        guard_shifts.guard_shifts is not null as is_covered
    from buildings
    cross join days
    left join guard_shifts
        on guard_shifts.building = buildings.building
        and guard_shifts.day = days.day
)

select * from final;
