-- How busy was the one vehicle each day: trips, hours out, first departure, last return?
-- Grain: one row per day from $date_from to $date_to (days without a trip give 0).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- A trip belongs to the day it departed; hours out add up (returned_at - departed_at) of the
-- trips with a return time. With a building filter a trip counts only when its address is in
-- one of the buildings (a trip without an address only when no filter is set).
with

days as (
    select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date as day
),

trips as (
    select vehicle_trips.departed_at::date as day, vehicle_trips.departed_at,
        vehicle_trips.returned_at
    from vehicle_trips
    where vehicle_trips.compound = $compound
        and vehicle_trips.departed_at >= $date_from::date
        and vehicle_trips.departed_at < $date_to::date + 1
        and (len($buildings::varchar[]) = 0
             or list_contains($buildings::varchar[], vehicle_trips.building))
),

daily as (
    select
        day,
        count(*) as trips,
        sum(date_diff('minute', departed_at, returned_at)) as minutes_out,
        min(departed_at) as first_departed_at,
        max(returned_at) as last_returned_at
    from trips
    group by day
),

final as (
    select
        days.day,
        coalesce(daily.trips, 0) as trips,
        round(coalesce(daily.minutes_out, 0) / 60, 2) as hours_out,
        daily.first_departed_at,
        daily.last_returned_at
    from days
    left join daily using (day)
    order by days.day
)

select * from final
