-- Rule: which screenings were made in the buildings in scope, on which day? A screening
-- belongs to its date.
-- Grain: one row per screening dated p_from (null: the first) to p_to.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro screenings_in_scope(p_compound, p_buildings, p_from, p_to) as table
select
    screenings.date as day,
    screenings.building,
    screenings.unit,
    screenings.floor,
    screenings.room,
    screenings.max_temp_c,
    screenings.disposition
from main.screenings as screenings
where screenings.compound = p_compound
    and screenings.building in (select building from scoped_buildings(p_compound, p_buildings))
    and (p_from is null or screenings.date >= p_from::date)
    and screenings.date <= p_to::date;
