-- What did the one vehicle go out for each day: trips and hours out by purpose (产检, 急诊 …)?
-- Grain: one row per day × purpose, days with trips only, from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- `purpose` is the stored code (an open-list purpose as typed). Which trips count on which
-- day is the shared rule trips_in_scope (queries/rules/): the day it departed; with a
-- building filter, only a trip whose address is in one of the buildings.
with

trips as (
    select day, purpose, departed_at, returned_at
    from trips_in_scope($compound, $buildings, $date_from, $date_to)
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
