-- Which medicine requests were overdue at the end of the as-of day, oldest first?
-- Overdue as the shared rule medicine_request_states has it (queries/rules/): unfinished at
-- 24:00 of $as_of (not delivered by then, not cancelled) and due (requested_at + its target)
-- before then. status is the request's status then (open or in progress).
-- Grain: one row per overdue request. The patient is not selected; the room is personal:
-- ui.query masks it to building · floor (the contract's mark).
-- Parameters: $compound, $buildings (empty list = all), $as_of, $urgent_hours, $normal_hours.
with

overdue as (
    select *,
        date_diff('minute', requested_at, ends_at) / 60.0 as age_hours
    from medicine_request_states($compound, $buildings, $as_of, $as_of,
                                 $urgent_hours, $normal_hours)
    where is_overdue
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
