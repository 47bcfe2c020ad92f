-- How many hours did each kind of volunteer (Party member, Lei Feng, cadre, …) work?
-- Grain: one row per kind with hours, from $date_from to $date_to, most hours first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- A shift whose volunteer did not resolve to the register has the kind 'unresolved'. With a
-- building filter, only shifts that name a building in the filter count.
with

shifts as (
    select
        shifts.volunteer_id,
        coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.hours
    from shifts
    where shifts.compound = $compound
        and shifts.date between $date_from::date and $date_to::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
),

volunteers as (
    select volunteer_id, kind
    from volunteers
    where compound = $compound
),

shift_kinds as (
    select coalesce(volunteers.kind, 'unresolved') as kind, shifts.volunteer_key, shifts.hours
    from shifts
    left join volunteers using (volunteer_id)
),

final as (
    select
        kind,
        round(sum(hours), 1) as hours,
        count(distinct volunteer_key) as volunteers,
        count(*) as shifts
    from shift_kinds
    group by kind
    order by hours desc, kind
)

select * from final
