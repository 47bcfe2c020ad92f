-- In each building, how many sealed households has a delivery reached in the last
-- $gap_hours hours, and how many not, as of the end of the as-of day (24:00)?
-- Grain: one row per building with a sealed household on $as_of; most not reached first.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $gap_hours.
-- Sealed and matched exactly as in deliveries_gap_households.sql: a whole-building or floor
-- seal active on $as_of; a delivery matches by building and room number as an integer
-- ('0301' = '301'), the unit only when both give one.
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

recent_deliveries as (
    select deliveries.building, deliveries.unit,
        try_cast(deliveries.room as integer) as room_number
    from deliveries
    join buildings using (building)
    where deliveries.compound = $compound
        and deliveries.delivered_at >= $as_of::date + 1 - to_hours($gap_hours::integer)
        and deliveries.delivered_at < $as_of::date + 1
),

reached as (
    select sealed_households.building, sealed_households.unit, sealed_households.room,
        exists (
            select 1
            from recent_deliveries
            where recent_deliveries.building = sealed_households.building
                and recent_deliveries.room_number = sealed_households.room_number
                and (recent_deliveries.unit is null or sealed_households.unit is null
                     or recent_deliveries.unit = sealed_households.unit)
        ) as is_reached
    from sealed_households
),

final as (
    select
        building,
        count(*) as sealed_households,
        count(*) filter (where is_reached) as reached,
        count(*) filter (where not is_reached) as not_reached
    from reached
    group by building
    order by not_reached desc, regexp_extract(building, '^[A-Z]+'),
        try_cast(regexp_extract(building, '\d+$') as integer)
)

select * from final
