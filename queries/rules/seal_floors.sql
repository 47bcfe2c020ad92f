-- Rule: which floors does each seal in force shut? A whole-building seal (floor null) shuts
-- every floor 1..floors of its building; a floor seal shuts its floor.
-- Grain: one row per seal in force from p_from to p_to (seals_in_force) and floor it shuts.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro seal_floors(p_compound, p_buildings, p_from, p_to) as table
select
    seals.building,
    floor_numbers.floor,
    seals.is_whole_building,
    seals.sealed_from,
    seals.sealed_until,
    seals.reason
from seals_in_force(p_compound, p_buildings, p_from, p_to) as seals
join scoped_floors(p_compound, p_buildings) as floor_numbers
    on floor_numbers.building = seals.building
    and (seals.is_whole_building or floor_numbers.floor = seals.floor);
