-- Was every building's door guarded every day?
-- Grain: one row per building (in the filter) and day of the compound's lockdown from
-- $date_from to $date_to (every day when the compound has no lockdown date).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- Covered as the shared rule guard_coverage has it (queries/rules/): at least one shift with
-- the task 'guard' names the building that day; `entrances` is for context.
with

coverage as (
    select building, day, entrances, guard_shifts, guard_hours, is_covered
    from guard_coverage($compound, $buildings, $date_from, $date_to)
),

final as (
    select
        building,
        day,
        entrances,
        guard_shifts,
        round(guard_hours, 1) as guard_hours,
        is_covered
    from coverage
    -- A2 before A10: letters, then the number (as the buildings query orders them)
    order by regexp_extract(building, '^[A-Z]+'),
        try_cast(regexp_extract(building, '\d+$') as integer),
        building,
        day
)

select * from final
