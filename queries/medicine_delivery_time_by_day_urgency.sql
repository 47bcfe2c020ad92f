-- Day by day, how long did medicine take to reach the home, by urgency, against its target:
-- the median and 90th percentile hours and the share delivered within the target, over the
-- requests delivered on each day from $date_from to $date_to (by the day delivered).
-- Grain: one row per day delivered and urgency (days without a delivery have no row).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $urgent_hours, $normal_hours (delivery targets).
-- Delivered, hours and met (at the target counts) as the shared rule medicine_deliveries
-- has them (queries/rules/).
with

delivered as (
    select day, urgency, target_hours, hours_to_deliver, is_met
    from medicine_deliveries($compound, $buildings, $date_from, $date_to,
                             $urgent_hours, $normal_hours)
),

day_stats as (
    select day, urgency, target_hours,
        count(*) as delivered,
        quantile_cont(hours_to_deliver, 0.5) as median_hours,
        quantile_cont(hours_to_deliver, 0.9) as p90_hours,
        count(*) filter (where is_met) as met
    from delivered
    group by day, urgency, target_hours
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
