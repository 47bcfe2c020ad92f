-- What did the one vehicle go out for each day: trips and hours out by purpose (产检, 急诊 …)?
-- Grain: one row per day × purpose, days with trips only, from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- `purpose` is the stored code (an open-list purpose as typed). A trip belongs to the day it
-- departed. With a building filter a trip counts only when its address is in one of the
-- buildings (a trip without an address only when no filter is set).
with

trips as (
    select vehicle_trips.departed_at::date as day, vehicle_trips.purpose,
        vehicle_trips.departed_at, vehicle_trips.returned_at
    from vehicle_trips
    where vehicle_trips.compound = $compound
        and vehicle_trips.departed_at >= $date_from::date
        and vehicle_trips.departed_at < $date_to::date + 1
        and (len($buildings::varchar[]) = 0
             or list_contains($buildings::varchar[], vehicle_trips.building))
),

final as (
    select
        day,
        purpose,
        count(*) as trips,
        round(coalesce(sum(date_diff('minute', departed_at, returned_at)), 0) / 60, 2) as hours_out
    from trips
    group by day, purpose
    order by day, purpose
)

select * from final
