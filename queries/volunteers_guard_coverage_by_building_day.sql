-- Was every building's door guarded every day?
-- Grain: one row per building (in the filter) and day of the compound's lockdown from
-- $date_from to $date_to (every day when the compound has no lockdown date).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- Rule: a building-day is covered when at least one shift with the task 'guard' names the
-- building on that date; otherwise it is a gap. `entrances` is the register's unit count,
-- shown for context (the rule does not ask for a guard per entrance).
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
    select building, coalesce(units, 1) as entrances
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

guard_shifts as (
    select shifts.date as day, shifts.building, count(*) as guard_shifts,
        sum(shifts.hours) as guard_hours
    from shifts
    where shifts.compound = $compound
        and shifts.task = 'guard'
        and shifts.date between $date_from::date and $date_to::date
    group by shifts.date, shifts.building
),

lockdown_days as (
    select days.day
    from days
    cross join compounds
    where (compounds.lockdown_from is null or days.day >= compounds.lockdown_from)
        and (compounds.lockdown_until is null or days.day < compounds.lockdown_until)
),

final as (
    select
        buildings.building,
        lockdown_days.day,
        buildings.entrances,
        coalesce(guard_shifts.guard_shifts, 0) as guard_shifts,
        round(coalesce(guard_shifts.guard_hours, 0), 1) as guard_hours,
        guard_shifts.guard_shifts is not null as is_covered
    from buildings
    cross join lockdown_days
    left join guard_shifts
        on guard_shifts.building = buildings.building
        and guard_shifts.day = lockdown_days.day
    -- A2 before A10: letters, then the number (as the buildings query orders them)
    order by regexp_extract(buildings.building, '^[A-Z]+'),
        try_cast(regexp_extract(buildings.building, '\d+$') as integer),
        buildings.building,
        lockdown_days.day
)

select * from final
