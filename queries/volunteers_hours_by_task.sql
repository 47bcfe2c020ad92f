-- How many volunteer hours went to each task (delivery, door guard, screening, …)?
-- Grain: one row per task with hours, from $date_from to $date_to, most hours first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- With a building filter, only shifts that name a building in the filter count.
with

shifts as (
    select volunteer_key, task, hours
    from shifts_in_scope($compound, $buildings, $date_from, $date_to)
),

final as (
    select
        task,
        round(sum(hours), 1) as hours,
        count(distinct volunteer_key) as volunteers,
        count(*) as shifts
    from shifts
    group by task
    order by hours desc, task
)

select * from final
