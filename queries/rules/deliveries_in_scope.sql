-- Rule: which deliveries reached the buildings in scope, on which day? A delivery belongs to
-- the day of delivered_at; p_to counts up to its end (24:00).
-- Grain: one row per delivery delivered from p_from (null: the first) to p_to.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro deliveries_in_scope(p_compound, p_buildings, p_from, p_to) as table
select
    deliveries.delivered_at::date as day,
    deliveries.delivered_at,
    deliveries.building,
    deliveries.unit,
    deliveries.floor,
    deliveries.room,
    deliveries.category,
    deliveries.source,
    deliveries.kg
from main.deliveries as deliveries
where deliveries.compound = p_compound
    and deliveries.building in (select building from scoped_buildings(p_compound, p_buildings))
    and (p_from is null or deliveries.delivered_at >= p_from::date)
    and deliveries.delivered_at < p_to::date + 1;
