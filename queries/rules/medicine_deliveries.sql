-- Rule: which medicine requests were delivered from p_from to p_to (by the day delivered),
-- and how long did each take against its target? Delivered, hours_to_deliver and is_met as
-- medicine_request_states has them at the end of p_to; urgency is 'urgent' or 'normal'.
-- Grain: one row per request delivered from p_from to p_to.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to, p_urgent_hours,
--   p_normal_hours (config.MEDICINE_TARGET_HOURS).
create or replace temp macro medicine_deliveries(p_compound, p_buildings, p_from, p_to,
                                                 p_urgent_hours, p_normal_hours) as table
select
    fulfilled_at::date as day,
    request_id,
    building,
    condition,
    medicine_urgency(urgency) as urgency,
    target_hours,
    fulfilled_at,
    hours_to_deliver,
    is_met
from medicine_request_states(p_compound, p_buildings, p_to, p_to, p_urgent_hours, p_normal_hours)
where status_at_end = 'delivered'
    and fulfilled_at >= p_from::date;
