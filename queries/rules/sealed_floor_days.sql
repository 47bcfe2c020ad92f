-- Rule: which floors were sealed at the end of each day of a range, and by which seal?
-- The seals in force that day (seals_in_force, p_from = p_to = the day) and the floors they
-- shut (seal_floors).
-- Grain: one row per day from p_from to p_to, seal and floor (a floor under two seals that
-- day has two rows).
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro sealed_floor_days(p_compound, p_buildings, p_from, p_to) as table
select
    days.day,
    floors.building,
    floors.floor,
    floors.is_whole_building,
    floors.sealed_from,
    floors.sealed_until
from day_range(p_from, p_to) as days
cross join lateral seal_floors(p_compound, p_buildings, days.day, days.day) as floors;
