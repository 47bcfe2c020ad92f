-- How many hours did each group work inside sealed buildings?
-- Grain: one row per volunteer group with hours in a sealed building, from $date_from to
-- $date_to, most hours first.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- A shift is inside a sealed building when the building it names had a floor sealed at the
-- end of the shift's date (sealed_floor_days, queries/rules/); whole_building_hours: sealed
-- whole that day. Shifts without a building never count. A shift whose volunteer did not
-- resolve has the group 'unresolved' (shifts_in_scope).
with

shifts as (
    select day, "group", volunteer_key, hours, building
    from shifts_in_scope($compound, $buildings, $date_from, $date_to)
    -- a shift without a building is in no sealed building
    where building is not null
),

sealed_building_days as (
    -- one row per building and day, however many of its floors and seals were sealed
    select day, building, bool_or(is_whole_building) as is_whole_building
    from sealed_floor_days($compound, $buildings, $date_from, $date_to)
    group by day, building
),

sealed_shifts as (
    select shifts."group", shifts.volunteer_key, shifts.hours,
        sealed_building_days.is_whole_building
    from shifts
    join sealed_building_days using (day, building)
),

final as (
    select
        sealed_shifts."group",
        round(sum(sealed_shifts.hours), 1) as sealed_hours,
        round(coalesce(sum(sealed_shifts.hours) filter (where sealed_shifts.is_whole_building), 0), 1)
            as whole_building_hours,
        round(coalesce(sum(sealed_shifts.hours) filter (where not sealed_shifts.is_whole_building), 0), 1)
            as floor_seal_hours,
        count(distinct sealed_shifts.volunteer_key) as volunteers,
        count(*) as shifts
    from sealed_shifts
    group by sealed_shifts."group"
    order by sealed_hours desc, "group"
)

select * from final
