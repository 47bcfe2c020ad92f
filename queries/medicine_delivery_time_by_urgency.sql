-- How long did medicine take to reach the home, by urgency, against its target: the median
-- and 90th percentile hours from registration to delivery, and the share delivered within
-- the target, over the requests delivered from $date_from to $date_to (by the day delivered).
-- Grain: one row per urgency (urgent, normal), also when none was delivered.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $urgent_hours, $normal_hours (delivery targets; delivered at the target counts as met).
with

urgencies as (
    select * from (values ('urgent', 1, $urgent_hours), ('normal', 2, $normal_hours))
        as urgencies (urgency, sort_order, target_hours)
),

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

delivered as (
    select
        case when medicine_requests.urgency = 'urgent' then 'urgent' else 'normal' end as urgency,
        date_diff('minute', medicine_requests.requested_at, medicine_requests.fulfilled_at) / 60.0
            as hours
    from medicine_requests
    join buildings using (building)
    where medicine_requests.compound = $compound
        and medicine_requests.fulfilled_at >= $date_from::date
        and medicine_requests.fulfilled_at < $date_to::date + 1
),

urgency_stats as (
    select delivered.urgency,
        count(*) as delivered,
        quantile_cont(delivered.hours, 0.5) as median_hours,
        quantile_cont(delivered.hours, 0.9) as p90_hours,
        count(*) filter (where delivered.hours <= urgencies.target_hours) as met
    from delivered
    join urgencies using (urgency)
    group by delivered.urgency
),

final as (
    select
        urgencies.urgency,
        urgencies.target_hours,
        coalesce(urgency_stats.delivered, 0) as delivered,
        round(urgency_stats.median_hours, 1) as median_hours,
        round(urgency_stats.p90_hours, 1) as p90_hours,
        coalesce(urgency_stats.met, 0) as met,
        round(100.0 * urgency_stats.met / urgency_stats.delivered, 1) as met_pct
    from urgencies
    left join urgency_stats using (urgency)
    order by urgencies.sort_order
)

select * from final
