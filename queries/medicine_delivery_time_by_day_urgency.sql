-- Day by day, how long did medicine take to reach the home, by urgency, against its target:
-- the median and 90th percentile hours and the share delivered within the target, over the
-- requests delivered on each day from $date_from to $date_to (by the day delivered).
-- Grain: one row per day delivered and urgency (days without a delivery have no row).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $urgent_hours, $normal_hours (delivery targets; delivered at the target counts as met).
with

urgencies as (
    select * from (values ('urgent', $urgent_hours), ('normal', $normal_hours))
        as urgencies (urgency, target_hours)
),

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

delivered as (
    select
        medicine_requests.fulfilled_at::date as day,
        case when medicine_requests.urgency = 'urgent' then 'urgent' else 'normal' end as urgency,
        date_diff('minute', medicine_requests.requested_at, medicine_requests.fulfilled_at) / 60.0
            as hours
    from medicine_requests
    join buildings using (building)
    where medicine_requests.compound = $compound
        and medicine_requests.fulfilled_at >= $date_from::date
        and medicine_requests.fulfilled_at < $date_to::date + 1
),

day_stats as (
    select delivered.day, delivered.urgency, urgencies.target_hours,
        count(*) as delivered,
        quantile_cont(delivered.hours, 0.5) as median_hours,
        quantile_cont(delivered.hours, 0.9) as p90_hours,
        count(*) filter (where delivered.hours <= urgencies.target_hours) as met
    from delivered
    join urgencies using (urgency)
    group by delivered.day, delivered.urgency, urgencies.target_hours
),

final as (
    select
        day,
        urgency,
        target_hours,
        delivered,
        round(median_hours, 1) as median_hours,
        round(p90_hours, 1) as p90_hours,
        met,
        round(100.0 * met / delivered, 1) as met_pct
    from day_stats
    order by day, urgency desc
)

select * from final
