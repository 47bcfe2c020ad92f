-- How long did medicine take to reach the home, by urgency, against its target: the median
-- and 90th percentile hours from registration to delivery, and the share delivered within
-- the target, over the requests delivered from $date_from to $date_to (by the day delivered).
-- Grain: one row per urgency (urgent, normal), also when none was delivered.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $urgent_hours, $normal_hours (delivery targets).
-- Delivered, hours and met (at the target counts) as the shared rule medicine_deliveries
-- has them (queries/rules/).
with

urgencies as (
    -- both urgencies, also when none was delivered, with their targets (the shared rule)
    select urgency, sort_order,
        medicine_target_hours(urgency, $urgent_hours, $normal_hours) as target_hours
    from (values ('urgent', 1), ('normal', 2)) as urgencies (urgency, sort_order)
),

delivered as (
    select urgency, hours_to_deliver, is_met
    from medicine_deliveries($compound, $buildings, $date_from, $date_to,
                             $urgent_hours, $normal_hours)
),

urgency_stats as (
    select urgency,
        count(*) as delivered,
        quantile_cont(hours_to_deliver, 0.5) as median_hours,
        quantile_cont(hours_to_deliver, 0.9) as p90_hours,
        count(*) filter (where is_met) as met
    from delivered
    group by urgency
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
