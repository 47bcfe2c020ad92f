-- Who carries the load: the volunteers with the most hours from $date_from to $date_to.
-- Grain: one row per volunteer, the $top with the most hours, most first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to, $top.
-- A volunteer is the register's volunteer_id, or the name as typed when it did not resolve
-- (volunteer_id null, group and kind 'unresolved'). `name` is personal: the page masks it.
-- With a building filter, only shifts that name a building in the filter count.
with

shifts as (
    select
        shifts.date as day,
        shifts.volunteer_id,
        shifts.volunteer,
        coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.hours
    from shifts
    where shifts.compound = $compound
        and shifts.date between $date_from::date and $date_to::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
),

volunteers as (
    select volunteer_id, name, kind, "group"
    from volunteers
    where compound = $compound
),

days_worked as (
    select volunteer_key, day, sum(hours) as hours, count(*) as shifts
    from shifts
    group by volunteer_key, day
),

totals as (
    select
        volunteer_key,
        sum(hours) as hours,
        count(*) as days_worked,
        max(hours) as longest_day,
        sum(shifts)::integer as shifts
    from days_worked
    group by volunteer_key
),

people as (
    select volunteer_key, any_value(volunteer_id) as volunteer_id, any_value(volunteer) as typed
    from shifts
    group by volunteer_key
),

final as (
    select
        people.volunteer_id,
        coalesce(volunteers.name, people.typed) as name,
        coalesce(volunteers."group", 'unresolved') as "group",
        coalesce(volunteers.kind, 'unresolved') as kind,
        round(totals.hours, 1) as hours,
        totals.days_worked,
        round(totals.longest_day, 1) as longest_day,
        totals.shifts
    from totals
    join people using (volunteer_key)
    left join volunteers using (volunteer_id)
    order by totals.hours desc, totals.volunteer_key
    limit $top
)

select * from final
