-- The as-of day at a glance: deliveries and kg that reached the buildings, and how much the
-- one vehicle went out (trips, hours out, first departure, last return).
-- Grain: one row, for $as_of.
-- Parameters: $compound, $buildings (empty list = all), $as_of.
-- kg counts only quantities with a weight (斤, 公斤); 份, 箱 and 袋 count as deliveries only.
-- A trip belongs to the day it departed; hours out add up (returned_at - departed_at) of the
-- trips that have a return time. With a building filter a trip counts only when its address
-- is in one of the buildings (a trip without an address only when no filter is set).
with

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

deliveries as (
    select deliveries.kg
    from deliveries
    join buildings using (building)
    where deliveries.compound = $compound
        and deliveries.delivered_at >= $as_of::date
        and deliveries.delivered_at < $as_of::date + 1
),

trips as (
    select vehicle_trips.departed_at, vehicle_trips.returned_at
    from vehicle_trips
    where vehicle_trips.compound = $compound
        and vehicle_trips.departed_at >= $as_of::date
        and vehicle_trips.departed_at < $as_of::date + 1
        and (len($buildings::varchar[]) = 0
             or list_contains($buildings::varchar[], vehicle_trips.building))
),

delivery_totals as (
    select count(*) as deliveries, round(coalesce(sum(kg), 0), 1) as kg
    from deliveries
),

trip_totals as (
    select
        count(*) as trips,
        count(*) filter (where returned_at is null) as trips_not_returned,
        round(coalesce(sum(date_diff('minute', departed_at, returned_at)), 0) / 60, 2) as hours_out,
        min(departed_at) as first_departed_at,
        max(returned_at) as last_returned_at
    from trips
),

final as (
    select
        $as_of::date as day,
        delivery_totals.deliveries,
        delivery_totals.kg,
        trip_totals.trips,
        trip_totals.trips_not_returned,
        trip_totals.hours_out,
        trip_totals.first_departed_at,
        trip_totals.last_returned_at
    from delivery_totals
    cross join trip_totals
)

select * from final
