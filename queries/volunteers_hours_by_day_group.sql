-- How many volunteer hours were worked each day, and by which group?
-- Grain: one row per day and group with hours, from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- Shifts, their day and their volunteer's group as the shared rule shifts_in_scope has them
-- (queries/rules/): a shift counts on its date; an unresolved volunteer's group is
-- 'unresolved'; with a building filter, only shifts naming one of its buildings count.
with

shifts as (
    select day, "group", volunteer_key, hours
    from shifts_in_scope($compound, $buildings, $date_from, $date_to)
),

final as (
    select
        day,
        "group",
        round(sum(hours), 1) as hours,
        count(distinct volunteer_key) as volunteers
    from shifts
    group by day, "group"
    order by day, "group"
)

select * from final
