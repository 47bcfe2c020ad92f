-- How many hours did each kind of volunteer (Party member, Lei Feng, cadre, …) work?
-- Grain: one row per kind with hours, from $date_from to $date_to, most hours first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- Shifts and their volunteer's kind as the shared rule shifts_in_scope has them
-- (queries/rules/): an unresolved volunteer's kind is 'unresolved'; with a building filter,
-- only shifts naming one of its buildings count.
with

shifts as (
    select kind, volunteer_key, hours
    from shifts_in_scope($compound, $buildings, $date_from, $date_to)
),

final as (
    select
        kind,
        round(sum(hours), 1) as hours,
        count(distinct volunteer_key) as volunteers,
        count(*) as shifts
    from shifts
    group by kind
    order by hours desc, kind
)

select * from final
