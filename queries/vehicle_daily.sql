-- How busy was the one vehicle each day: trips, hours out, first departure, last return?
-- Grain: one row per day from $date_from to $date_to (days without a trip give 0).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- Hours out add up (returned_at - departed_at) of the trips with a return time. Which trips
-- count on which day is the shared rule trips_in_scope (queries/rules/): the day it departed;
-- with a building filter, only a trip whose address is in one of the buildings.
with

days as (
    select day from day_range($date_from, $date_to)
),

trips as (
    select day, departed_at, returned_at
    from trips_in_scope($compound, $buildings, $date_from, $date_to)
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
