-- Which medicine requests were overdue at the end of the as-of day, oldest first?
-- Overdue as overview_daily's medicine_overdue: requested_at + target before 24:00 of $as_of,
-- not delivered by then (fulfilled_at), not cancelled (latest status).
-- Grain: one row per overdue request. The patient is not selected; the room is returned
-- for the page to mask (building · floor).
-- Parameters: $compound, $buildings (empty list = all), $as_of, $urgent_hours, $normal_hours.
with

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

requests as (
    select medicine_requests.request_id, medicine_requests.requested_at,
        medicine_requests.building, medicine_requests.floor, medicine_requests.room,
        medicine_requests.medicine, medicine_requests.condition, medicine_requests.urgency,
        medicine_requests.hospital, medicine_requests.status, medicine_requests.fulfilled_at,
        case when medicine_requests.urgency = 'urgent'
             then $urgent_hours else $normal_hours end as target_hours
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

end_of_day as (
    select ($as_of::date + 1)::timestamp as ends_at
),

overdue as (
    select requests.*, coalesce(pending_statuses.pending_status, 'open') as status_at_end,
        date_diff('minute', requests.requested_at, end_of_day.ends_at) / 60.0 as age_hours
    from requests
    cross join end_of_day
    left join pending_statuses using (request_id)
    where requests.requested_at + to_hours(requests.target_hours) < end_of_day.ends_at
        and requests.status <> 'cancelled'
        and (requests.fulfilled_at is null or requests.fulfilled_at >= end_of_day.ends_at)
),

final as (
    select
        request_id,
        requested_at,
        building,
        floor,
        room,
        medicine,
        condition,
        urgency,
        status_at_end as status,
        hospital,
        target_hours,
        round(age_hours, 1) as age_hours,
        round(age_hours - target_hours, 1) as over_hours
    from overdue
    order by requested_at, request_id
)

select * from final
