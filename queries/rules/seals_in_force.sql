-- Rule: which seals were in force at the end of at least one day from p_from to p_to?
-- A seal holds from sealed_from until the day before sealed_until (it is lifted that day); a
-- seal without sealed_until still holds. For one day, p_from = p_to. A seal without a floor
-- seals its whole building (is_whole_building; seal_floors expands it).
-- Grain: one row per seal of a building in scope.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro seals_in_force(p_compound, p_buildings, p_from, p_to) as table
select
    seals.building,
    seals.floor,
    seals.floor is null as is_whole_building,
    seals.sealed_from,
    seals.sealed_until,
    seals.reason
from main.seals as seals
where seals.compound = p_compound
    and seals.building in (select building from scoped_buildings(p_compound, p_buildings))
    and seals.sealed_from <= p_to::date
    and (seals.sealed_until is null or p_from::date < seals.sealed_until);
