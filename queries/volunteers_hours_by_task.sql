-- How many volunteer hours went to each task (delivery, door guard, screening, …)?
-- Grain: one row per task with hours, from $date_from to $date_to, most hours first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- With a building filter, only shifts that name a building in the filter count.
with

shifts as (
    select
        coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.task,
        shifts.hours
    from shifts
    where shifts.compound = $compound
        and shifts.date between $date_from::date and $date_to::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
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
