-- Who carries the load: the volunteers with the most hours from $date_from to $date_to.
-- Grain: one row per volunteer, the $top with the most hours, most first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to, $top.
-- A volunteer is the register's volunteer_id, or the name as typed when it did not resolve
-- (volunteer_id null, group and kind 'unresolved'); with a building filter, only shifts
-- naming one of its buildings count: the shared rule shifts_in_scope (queries/rules/).
-- `name` is personal (the contract says so): ui.query masks it.
with

shifts as (
    select day, volunteer_id, volunteer_key, name, "group", kind, hours
    from shifts_in_scope($compound, $buildings, $date_from, $date_to)
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
    -- one volunteer_key is one register entry, or one name as typed
    select volunteer_key, any_value(volunteer_id) as volunteer_id, any_value(name) as name,
        any_value("group") as "group", any_value(kind) as kind
    from shifts
    group by volunteer_key
),

final as (
    select
        people.volunteer_id,
        people.name,
        people."group",
        people.kind,
        round(totals.hours, 1) as hours,
        totals.days_worked,
        round(totals.longest_day, 1) as longest_day,
        totals.shifts
    from totals
    join people using (volunteer_key)
    order by totals.hours desc, totals.volunteer_key
    limit $top
)

select * from final
