-- Rule: which households of the register were sealed at the end of each day of a range?
-- A household is sealed when its floor is (sealed_floor_days); is_whole_building when a
-- whole-building seal shut it.
-- Grain: one row per day from p_from to p_to and sealed household.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro sealed_households(p_compound, p_buildings, p_from, p_to) as table
with

sealed_floors as (
    select day, building, floor, bool_or(is_whole_building) as is_whole_building
    from sealed_floor_days(p_compound, p_buildings, p_from, p_to)
    group by day, building, floor
),

final as (
    select
        sealed_floors.day,
        households.building,
        households.unit,
        households.floor,
        households.room,
        sealed_floors.is_whole_building
    from sealed_floors
    join scoped_households(p_compound, p_buildings) as households
        on households.building = sealed_floors.building
        and households.floor = sealed_floors.floor
)

select * from final;
