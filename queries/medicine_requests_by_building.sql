-- Which buildings have asked for medicine, and how much of it is still unfinished or
-- overdue at the end of the as-of day? Counts the requests registered up to 24:00 of $as_of;
-- the median hours to deliver is over those delivered by then.
-- Grain: one row per building with a request.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $urgent_hours, $normal_hours.
-- Status at 24:00 as in medicine_status_daily: delivered once fulfilled_at has passed,
-- cancelled if the latest status is cancelled, otherwise unfinished; overdue = unfinished
-- and requested_at + target before 24:00 (overview_daily's medicine_overdue).
with

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

end_of_day as (
    select ($as_of::date + 1)::timestamp as ends_at
),

requests as (
    select medicine_requests.building,
        medicine_requests.requested_at, medicine_requests.fulfilled_at,
        medicine_requests.status,
        medicine_requests.requested_at
            + to_hours(case when medicine_requests.urgency = 'urgent'
                            then $urgent_hours else $normal_hours end) as due_at
    from medicine_requests
    join buildings using (building)
    where medicine_requests.compound = $compound
),

request_states as (
    select requests.*, end_of_day.ends_at,
        case
            when requests.fulfilled_at < end_of_day.ends_at then 'delivered'
            when requests.status = 'cancelled' then 'cancelled'
            else 'unfinished'
        end as status_at_end
    from requests
    cross join end_of_day
    where requests.requested_at < end_of_day.ends_at
),

final as (
    select
        building,
        count(*) as requests,
        count(*) filter (where status_at_end = 'unfinished') as unfinished,
        count(*) filter (where status_at_end = 'unfinished' and due_at < ends_at) as overdue,
        count(*) filter (where status_at_end = 'delivered') as delivered,
        round(median(date_diff('minute', requested_at, fulfilled_at) / 60.0)
            filter (where status_at_end = 'delivered'), 1) as median_hours
    from request_states
    group by building
    order by overdue desc, unfinished desc, requests desc,
        regexp_extract(building, '^[A-Z]+'), try_cast(regexp_extract(building, '\d+$') as integer)
)

select * from final
