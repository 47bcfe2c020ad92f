-- Rule: where did each medicine request stand at the end (24:00) of each day of a range?
-- The sheet dates the request and the delivery, not status changes: a request is delivered
-- once fulfilled_at has passed; otherwise cancelled if its latest status is cancelled (from
-- the day it was registered); otherwise the last status it had short of delivered or
-- cancelled (open or in_progress). is_unfinished: open or in progress. is_overdue:
-- unfinished and due (medicine_due_at) before 24:00. hours_to_deliver and is_met (delivered
-- within the target, at the target counts) once delivered.
-- Grain: one row per day from p_from to p_to and request registered by the end of that day.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to, p_urgent_hours,
--   p_normal_hours (config.MEDICINE_TARGET_HOURS).
create or replace temp macro medicine_request_states(p_compound, p_buildings, p_from, p_to,
                                                     p_urgent_hours, p_normal_hours) as table
with

days as (
    select day, (day + 1)::timestamp as ends_at
    from day_range(p_from, p_to)
),

requests as (
    -- the patient and the handler are not selected: personal, and no rule needs them
    select request_id, requested_at, building, unit, floor, room, medicine, condition, urgency,
        hospital, status, fulfilled_at,
        medicine_target_hours(urgency, p_urgent_hours, p_normal_hours) as target_hours,
        medicine_due_at(requested_at, urgency, p_urgent_hours, p_normal_hours) as due_at
    from main.medicine_requests
    where compound = p_compound
        and building in (select building from scoped_buildings(p_compound, p_buildings))
),

pending_statuses as (
    -- the last status a request had short of delivered or cancelled
    select request_id,
        arg_max(status, event_seq) filter (where status in ('open', 'in_progress'))
            as pending_status
    from main.medicine_request_events
    where compound = p_compound
    group by request_id
),

request_days as (
    select days.day, days.ends_at, requests.*,
        case
            when requests.fulfilled_at < days.ends_at then 'delivered'
            when requests.status = 'cancelled' then 'cancelled'
            else coalesce(pending_statuses.pending_status, 'open')
        end as status_at_end
    from days
    join requests on requests.requested_at < days.ends_at
    left join pending_statuses using (request_id)
),

timed as (
    select *,
        case when status_at_end = 'delivered'
            then date_diff('minute', requested_at, fulfilled_at) / 60.0 end as hours_to_deliver
    from request_days
),

final as (
    select *,
        status_at_end in ('open', 'in_progress') as is_unfinished,
        status_at_end in ('open', 'in_progress') and due_at < ends_at as is_overdue,
        hours_to_deliver <= target_hours as is_met
    from timed
)

select * from final;
