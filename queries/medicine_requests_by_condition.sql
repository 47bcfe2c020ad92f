-- For which conditions has medicine been asked, and how much of it is still unfinished or
-- overdue at the end of the as-of day? Counts the requests registered up to 24:00 of $as_of;
-- the median hours to deliver is over those delivered by then. A blank condition is its own
-- row (condition null).
-- Grain: one row per condition with a request.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $urgent_hours, $normal_hours.
-- Counted as the shared rule medicine_request_totals has it (queries/rules/): the status at
-- 24:00, unfinished and overdue of medicine_request_states.
with

totals as (
    select *
    from medicine_request_totals($compound, $buildings, $as_of, $urgent_hours, $normal_hours)
    where dimension = 'condition'
),

final as (
    select condition, requests, unfinished, overdue, delivered, median_hours
    from totals
    order by overdue desc, unfinished desc, requests desc, condition nulls last
)

select * from final
