-- Medicine requests for the briefing's chart: how many stood open at the end of each day,
-- and how many were delivered that day?
-- Grain: one row per day from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- Open is overview_daily's medicine_open: registered by 24:00, not cancelled (latest status),
-- not delivered by 24:00 (open or in progress). Delivered: fulfilled_at on that day, not
-- cancelled.
with

days as (
    select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date as day
),

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

requests as (
    select medicine_requests.requested_at, medicine_requests.fulfilled_at
    from medicine_requests
    join buildings using (building)
    where medicine_requests.compound = $compound
        and medicine_requests.status <> 'cancelled'
),

open_at_end as (
    select days.day, count(*) as medicine_open
    from days
    join requests
        on requests.requested_at < days.day + 1
        and (requests.fulfilled_at is null or requests.fulfilled_at >= days.day + 1)
    group by days.day
),

delivered as (
    select requests.fulfilled_at::date as day, count(*) as medicine_delivered
    from requests
    where requests.fulfilled_at >= $date_from::date
        and requests.fulfilled_at < $date_to::date + 1
    group by 1
),

final as (
    select
        days.day,
        coalesce(open_at_end.medicine_open, 0) as medicine_open,
        coalesce(delivered.medicine_delivered, 0) as medicine_delivered
    from days
    left join open_at_end using (day)
    left join delivered using (day)
    order by days.day
)

select * from final
