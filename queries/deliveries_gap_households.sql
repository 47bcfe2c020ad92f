-- Which sealed households has no delivery reached in the last $gap_hours hours, as of the
-- end of the as-of day (24:00)?
-- Grain: one row per household sealed on $as_of and not reached since
--   ($as_of + 1 day) - $gap_hours hours; never-reached households first, then the longest gap.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $gap_hours.
-- Sealed, matched and reached as the shared rule delivery_gap has them (queries/rules/).
-- `room` is personal: ui.query masks it to building · floor (the contract's mark).
with

gap as (
    select building, unit, floor, room, last_delivered_at
    from delivery_gap($compound, $buildings, $as_of, $gap_hours)
    where not is_reached
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
    from gap
    order by last_delivered_at nulls first, building, floor, room, unit
)

select * from final
