-- Rule: which buildings (and so floors and households) does the building filter choose?
-- is_in_scope(p_buildings, p_building): the filter is empty (every building) or names the
--   building. A record that names no building (a shift, a vehicle trip) counts only without a
--   filter.
-- scoped_buildings(p_compound, p_buildings): the compound's buildings in scope, with every
--   column of the register. Grain: one row per building.
-- Parameters: p_compound, p_buildings (a list of building names; empty = all).
create or replace temp macro is_in_scope(p_buildings, p_building) as
    len(p_buildings::varchar[]) = 0 or list_contains(p_buildings::varchar[], p_building);

create or replace temp macro scoped_buildings(p_compound, p_buildings) as table
select *
from main.buildings
where compound = p_compound
    and is_in_scope(p_buildings, building);

-- scoped_floors(p_compound, p_buildings): every floor 1..floors of the buildings in scope.
--   Grain: one row per building and floor.
create or replace temp macro scoped_floors(p_compound, p_buildings) as table
select buildings.building, floor_numbers.floor
from scoped_buildings(p_compound, p_buildings) as buildings
cross join lateral (
    select unnest(generate_series(1, buildings.floors)) as floor
) as floor_numbers;

-- scoped_households(p_compound, p_buildings): the register's households in the buildings in
--   scope. Grain: one row per household (building, unit, floor, room, residents, vulnerable;
--   the phone is not selected).
create or replace temp macro scoped_households(p_compound, p_buildings) as table
select building, unit, floor, room, residents, vulnerable
from main.households
where compound = p_compound
    and building in (select building from scoped_buildings(p_compound, p_buildings));
