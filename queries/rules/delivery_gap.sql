-- Rule: which sealed households has a delivery reached in the last p_gap_hours hours, as of
-- the end (24:00) of p_as_of?
-- delivery_gap_since(p_as_of, p_gap_hours): the time from which a delivery counts, p_gap_hours
--   before 24:00 of p_as_of (a delivery exactly then counts).
-- delivery_gap(...): every household sealed at the end of p_as_of (sealed_households), its
--   last delivery up to then (household_records) and whether that is since
--   delivery_gap_since (is_reached).
-- Grain: one row per household sealed at the end of p_as_of.
-- Parameters: p_compound, p_buildings (empty list = all), p_as_of, p_gap_hours
--   (config.DELIVERY_GAP_HOURS).
create or replace temp macro delivery_gap_since(p_as_of, p_gap_hours) as
    p_as_of::date + 1 - to_hours(p_gap_hours::integer);

create or replace temp macro delivery_gap(p_compound, p_buildings, p_as_of, p_gap_hours) as table
with

sealed as (
    select building, unit, floor, room
    from sealed_households(p_compound, p_buildings, p_as_of, p_as_of)
),

last_deliveries as (
    select building, unit, floor, room, max(delivered_at) as last_delivered_at
    from household_records(p_compound, p_buildings, null, p_as_of)
    group by building, unit, floor, room
),

final as (
    select
        sealed.building,
        sealed.unit,
        sealed.floor,
        sealed.room,
        last_deliveries.last_delivered_at,
        coalesce(last_deliveries.last_delivered_at >= delivery_gap_since(p_as_of, p_gap_hours),
                 false) as is_reached
    from sealed
    join last_deliveries
        on last_deliveries.building = sealed.building
        and last_deliveries.room = sealed.room
        and last_deliveries.unit is not distinct from sealed.unit
)

select * from final;
