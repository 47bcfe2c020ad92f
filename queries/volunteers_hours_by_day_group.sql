-- How many volunteer hours were worked each day, and by which group?
-- Grain: one row per day and group with hours, from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- A shift counts on its date (one past midnight on the day it started). A shift whose
-- volunteer did not resolve to the register has the group 'unresolved'. With a building
-- filter, only shifts that name a building in the filter count.
with

shifts as (
    select
        shifts.date as day,
        shifts.volunteer_id,
        coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.hours
    from shifts
    where shifts.compound = $compound
        and shifts.date between $date_from::date and $date_to::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
),

volunteers as (
    select volunteer_id, "group"
    from volunteers
    where compound = $compound
),

shift_groups as (
    select shifts.day, coalesce(volunteers."group", 'unresolved') as "group",
        shifts.volunteer_key, shifts.hours
    from shifts
    left join volunteers using (volunteer_id)
),

final as (
    select
        day,
        "group",
        round(sum(hours), 1) as hours,
        count(distinct volunteer_key) as volunteers
    from shift_groups
    group by day, "group"
    order by day, "group"
)

select * from final
