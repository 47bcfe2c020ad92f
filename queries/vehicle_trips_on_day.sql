-- Which trips did the one vehicle make on the as-of day, when, for what and where to?
-- Grain: one row per trip that departed on $as_of, in departure order.
-- Parameters: $compound, $buildings (empty list = all), $as_of.
-- `driver` is the driver's name from the volunteer register (as typed when it matches no
-- volunteer); `room` is personal. ui.query masks both. A trip without a return time is shown as
-- out until the end of the day (`ends_at`), flagged by `is_returned`.
-- Which trips count is the shared rule trips_in_scope (queries/rules/): with a building
-- filter, only a trip whose address is in one of the buildings.
with

volunteers as (
    select volunteer_id, name
    from volunteers
    where compound = $compound
),

trips as (
    select *
    from trips_in_scope($compound, $buildings, $as_of, $as_of)
),

final as (
    select
        row_number() over (order by trips.departed_at, trips.returned_at) as trip_no,
        trips.departed_at,
        trips.returned_at,
        coalesce(trips.returned_at, $as_of::date + 1) as ends_at,
        trips.returned_at is not null as is_returned,
        date_diff('minute', trips.departed_at, trips.returned_at) as minutes_out,
        trips.purpose,
        trips.destination,
        trips.building,
        trips.floor,
        trips.room,
        coalesce(volunteers.name, trips.driver) as driver
    from trips
    left join volunteers using (volunteer_id)
    order by trip_no
)

select * from final
