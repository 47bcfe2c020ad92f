-- How many hours did each group work inside sealed buildings?
-- Grain: one row per volunteer group with hours in a sealed building, from $date_from to
-- $date_to, most hours first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- A shift is inside a sealed building when the building it names was sealed on the shift's
-- date: sealed whole (a seal without a floor), or with any floor sealed. A seal holds from
-- sealed_from until the day before sealed_until (on that day it is lifted). Shifts without a
-- building never count. A shift whose volunteer did not resolve has the group 'unresolved'.
with

shifts as (
    select
        shifts.date as day,
        shifts.volunteer_id,
        coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.hours,
        shifts.building
    from shifts
    where shifts.compound = $compound
        and shifts.building is not null
        and shifts.date between $date_from::date and $date_to::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
),

seals as (
    select building, floor, sealed_from, sealed_until
    from seals
    where compound = $compound
),

volunteers as (
    select volunteer_id, "group"
    from volunteers
    where compound = $compound
),

sealed_building_days as (
    -- one row per building and day its shifts fall on, however many of its seals held
    select shift_days.day, shift_days.building, bool_or(seals.floor is null) as is_whole_building
    from (select distinct day, building from shifts) as shift_days
    join seals
        on seals.building = shift_days.building
        and seals.sealed_from <= shift_days.day
        and (seals.sealed_until is null or shift_days.day < seals.sealed_until)
    group by shift_days.day, shift_days.building
),

sealed_shifts as (
    select shifts.volunteer_key, shifts.volunteer_id, shifts.hours,
        sealed_building_days.is_whole_building
    from shifts
    join sealed_building_days using (day, building)
),

final as (
    select
        coalesce(volunteers."group", 'unresolved') as "group",
        round(sum(sealed_shifts.hours), 1) as sealed_hours,
        round(coalesce(sum(sealed_shifts.hours) filter (where sealed_shifts.is_whole_building), 0), 1)
            as whole_building_hours,
        round(coalesce(sum(sealed_shifts.hours) filter (where not sealed_shifts.is_whole_building), 0), 1)
            as floor_seal_hours,
        count(distinct sealed_shifts.volunteer_key) as volunteers,
        count(*) as shifts
    from sealed_shifts
    left join volunteers using (volunteer_id)
    group by 1
    order by sealed_hours desc, "group"
)

select * from final
