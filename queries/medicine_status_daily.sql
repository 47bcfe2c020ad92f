-- How many medicine requests stood open, in progress, delivered and cancelled at the end of
-- each day; how many were registered and delivered that day; how many were overdue.
-- Grain: one row per day from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $urgent_hours, $normal_hours (delivery targets).
-- A day's state is taken at its end (24:00). Status rule (the sheet does not date status
-- changes, only the request and the delivery): delivered once fulfilled_at has passed;
-- otherwise cancelled if the latest status is cancelled (from the day it was registered);
-- otherwise the latest status the request had before delivery (open or in progress).
-- Overdue is overview_daily's medicine_overdue: requested_at + target before 24:00, not
-- delivered by then, not cancelled.
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
    select medicine_requests.request_id, medicine_requests.requested_at,
        medicine_requests.urgency, medicine_requests.status, medicine_requests.fulfilled_at
    from medicine_requests
    join buildings using (building)
    where medicine_requests.compound = $compound
),

pending_statuses as (
    -- the last status a request had short of delivered or cancelled
    select request_id,
        arg_max(status, event_seq) filter (where status in ('open', 'in_progress')) as pending_status
    from medicine_request_events
    where compound = $compound
    group by request_id
),

request_days as (
    select days.day, requests.request_id, requests.requested_at, requests.fulfilled_at,
        case
            when requests.fulfilled_at < days.day + 1 then 'delivered'
            when requests.status = 'cancelled' then 'cancelled'
            else coalesce(pending_statuses.pending_status, 'open')
        end as status_at_end,
        requests.requested_at
            + to_hours(case when requests.urgency = 'urgent'
                            then $urgent_hours else $normal_hours end) as due_at
    from days
    join requests on requests.requested_at < days.day + 1
    left join pending_statuses using (request_id)
),

day_counts as (
    select day,
        count(*) filter (where requested_at >= day) as requested,
        count(*) filter (where status_at_end = 'delivered' and fulfilled_at >= day) as delivered,
        count(*) filter (where status_at_end = 'open') as open,
        count(*) filter (where status_at_end = 'in_progress') as in_progress,
        count(*) filter (where status_at_end in ('open', 'in_progress') and due_at < day + 1)
            as overdue,
        count(*) filter (where status_at_end = 'delivered') as delivered_total,
        count(*) filter (where status_at_end = 'cancelled') as cancelled_total
    from request_days
    group by day
),

final as (
    select
        days.day,
        coalesce(day_counts.requested, 0) as requested,
        coalesce(day_counts.delivered, 0) as delivered,
        coalesce(day_counts.open, 0) as open,
        coalesce(day_counts.in_progress, 0) as in_progress,
        coalesce(day_counts.open, 0) + coalesce(day_counts.in_progress, 0) as unfinished,
        coalesce(day_counts.overdue, 0) as overdue,
        coalesce(day_counts.delivered_total, 0) as delivered_total,
        coalesce(day_counts.cancelled_total, 0) as cancelled_total
    from days
    left join day_counts using (day)
    order by days.day
)

select * from final
