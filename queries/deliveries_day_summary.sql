-- The as-of day at a glance: deliveries and kg that reached the buildings, and how much the
-- one vehicle went out (trips, hours out, first departure, last return); and since when a
-- delivery counts for the delivery gap.
-- Grain: one row, for $as_of.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $gap_hours.
-- kg counts only quantities with a weight (斤, 公斤); 份, 箱 and 袋 count as deliveries only.
-- Hours out add up (returned_at - departed_at) of the trips that have a return time.
-- Deliveries, trips (trips_in_scope) and gap_since_at (delivery_gap_since) follow the shared
-- rules (queries/rules/).
with

deliveries as (
    select kg
    from deliveries_in_scope($compound, $buildings, $as_of, $as_of)
),

trips as (
    select departed_at, returned_at
    from trips_in_scope($compound, $buildings, $as_of, $as_of)
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
        trip_totals.last_returned_at,
        delivery_gap_since($as_of, $gap_hours) as gap_since_at
    from delivery_totals
    cross join trip_totals
)

select * from final
