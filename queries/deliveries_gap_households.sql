-- Which sealed households has no delivery reached in the last $gap_hours hours, as of the
-- end of the as-of day (24:00)?
-- Grain: one row per household sealed on $as_of and not reached since
--   ($as_of + 1 day) - $gap_hours hours; never-reached households first, then the longest gap.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $gap_hours.
-- Sealed: the household's building has a whole-building seal, or its floor a floor seal,
-- active on $as_of (sealed_from <= day < sealed_until; no sealed_until = still sealed).
-- Matching a delivery to a household (rooms are stored as typed): same building and the same
-- room number read as an integer, so '0301' = '301' (= same floor and same last two digits);
-- the unit must agree only when both the register and the delivery give one.
-- `room` is personal: pages mask it to building · floor.
with

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

households as (
    select households.building, households.unit, households.floor, households.room,
        try_cast(households.room as integer) as room_number
    from households
    join buildings using (building)
    where households.compound = $compound
),

seals as (
    select seals.building, seals.floor
    from seals
    join buildings using (building)
    where seals.compound = $compound
        and seals.sealed_from <= $as_of::date
        and (seals.sealed_until is null or $as_of::date < seals.sealed_until)
),

sealed_households as (
    -- a whole-building seal (floor null) seals every household of the building
    select households.*
    from households
    where exists (
        select 1
        from seals
        where seals.building = households.building
            and (seals.floor is null or seals.floor = households.floor)
    )
),

deliveries as (
    select deliveries.building, deliveries.unit,
        try_cast(deliveries.room as integer) as room_number, deliveries.delivered_at
    from deliveries
    join buildings using (building)
    where deliveries.compound = $compound
        and deliveries.delivered_at < $as_of::date + 1
),

last_deliveries as (
    select sealed_households.building, sealed_households.unit, sealed_households.floor,
        sealed_households.room, max(deliveries.delivered_at) as last_delivered_at
    from sealed_households
    left join deliveries
        on deliveries.building = sealed_households.building
        and deliveries.room_number = sealed_households.room_number
        and (deliveries.unit is null or sealed_households.unit is null
             or deliveries.unit = sealed_households.unit)
    group by all
),

final as (
    select
        building,
        unit,
        floor,
        room,
        last_delivered_at,
        round(date_diff('minute', last_delivered_at, $as_of::date + 1) / 60, 1)
            as hours_since_delivery
    from last_deliveries
    where last_delivered_at is null
        or last_delivered_at < $as_of::date + 1 - to_hours($gap_hours::integer)
    order by last_delivered_at nulls first, building, floor, room
)

select * from final
