-- Rule: which trips of the vehicle count, on which day? A trip belongs to the day it departed;
-- with a building filter it counts only when its address is in one of the buildings (a trip
-- without an address counts only without a filter).
-- Grain: one row per trip that departed from p_from to p_to.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro trips_in_scope(p_compound, p_buildings, p_from, p_to) as table
select
    vehicle_trips.departed_at::date as day,
    vehicle_trips.*
from main.vehicle_trips as vehicle_trips
where vehicle_trips.compound = p_compound
    and vehicle_trips.departed_at >= p_from::date
    and vehicle_trips.departed_at < p_to::date + 1
    and is_in_scope(p_buildings, vehicle_trips.building);
