-- Rule: when is a medicine request due? Its urgency's target after it was registered: urgent
-- p_urgent_hours, normal p_normal_hours (config.MEDICINE_TARGET_HOURS; a request of any other
-- urgency is normal).
-- medicine_urgency(p_urgency): 'urgent' or 'normal'.
-- medicine_target_hours(p_urgency, p_urgent_hours, p_normal_hours): the target in hours.
-- medicine_due_at(p_requested_at, p_urgency, p_urgent_hours, p_normal_hours): requested_at +
--   the target (a request delivered at that moment met its target).
create or replace temp macro medicine_urgency(p_urgency) as
    case when p_urgency = 'urgent' then 'urgent' else 'normal' end;

create or replace temp macro medicine_target_hours(p_urgency, p_urgent_hours, p_normal_hours) as
    case when medicine_urgency(p_urgency) = 'urgent' then p_urgent_hours else p_normal_hours end;

create or replace temp macro medicine_due_at(p_requested_at, p_urgency, p_urgent_hours,
                                             p_normal_hours) as
    p_requested_at + to_hours(medicine_target_hours(p_urgency, p_urgent_hours, p_normal_hours));
