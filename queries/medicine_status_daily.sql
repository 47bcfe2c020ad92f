-- How many medicine requests stood open, in progress, delivered and cancelled at the end of
-- each day; how many were registered and delivered that day; how many were overdue.
-- Grain: one row per day from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $urgent_hours, $normal_hours (delivery targets).
-- A day's state is taken at its end (24:00), as the shared rule medicine_request_states has
-- it (queries/rules/): delivered once fulfilled_at has passed; otherwise cancelled if the
-- latest status is cancelled; otherwise the latest status before delivery (open or in
-- progress); overdue: unfinished and due before 24:00. unfinished = open + in progress.
with

days as (
    select day from day_range($date_from, $date_to)
),

request_days as (
    select day, requested_at, fulfilled_at, status_at_end, is_unfinished, is_overdue
    from medicine_request_states($compound, $buildings, $date_from, $date_to,
                                 $urgent_hours, $normal_hours)
),

day_counts as (
    select day,
        count(*) filter (where requested_at >= day) as requested,
        count(*) filter (where status_at_end = 'delivered' and fulfilled_at >= day) as delivered,
        count(*) filter (where status_at_end = 'open') as open,
        count(*) filter (where status_at_end = 'in_progress') as in_progress,
        count(*) filter (where is_unfinished) as unfinished,
        count(*) filter (where is_overdue) as overdue,
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
        coalesce(day_counts.unfinished, 0) as unfinished,
        coalesce(day_counts.overdue, 0) as overdue,
        coalesce(day_counts.delivered_total, 0) as delivered_total,
        coalesce(day_counts.cancelled_total, 0) as cancelled_total
    from days
    left join day_counts using (day)
    order by days.day
)

select * from final
