-- Rule: what the medicine tables count for the requests of a building or of a condition at
-- the end (24:00) of p_as_of (medicine_request_states): requests registered by then,
-- unfinished, overdue, delivered, and the median hours to deliver of those delivered.
-- Grain: one row per building with a request (dimension 'building') and one per condition
-- (dimension 'condition'; a blank condition is its own row, condition null).
-- Parameters: p_compound, p_buildings (empty list = all), p_as_of, p_urgent_hours,
--   p_normal_hours (config.MEDICINE_TARGET_HOURS).
create or replace temp macro medicine_request_totals(p_compound, p_buildings, p_as_of,
                                                     p_urgent_hours, p_normal_hours) as table
with

requests as (
    select building, condition, status_at_end, is_unfinished, is_overdue, hours_to_deliver
    from medicine_request_states(p_compound, p_buildings, p_as_of, p_as_of, p_urgent_hours,
                                 p_normal_hours)
),

final as (
    select
        case when grouping(building) = 0 then 'building' else 'condition' end as dimension,
        building,
        condition,
        count(*) as requests,
        count(*) filter (where is_unfinished) as unfinished,
        count(*) filter (where is_overdue) as overdue,
        count(*) filter (where status_at_end = 'delivered') as delivered,
        round(median(hours_to_deliver), 1) as median_hours
    from requests
    group by grouping sets ((building), (condition))
)

select * from final;
