-- Rule: which days of a range fall in the compound's lockdown? From lockdown_from (the gate
-- closed) until the day before lockdown_until (it reopened); every day when the compound has
-- no lockdown date.
-- Grain: one row per lockdown day from p_from to p_to.
-- Parameters: p_compound, p_from, p_to.
create or replace temp macro lockdown_days(p_compound, p_from, p_to) as table
select days.day
from day_range(p_from, p_to) as days
cross join main.compounds as compounds
where compounds.compound = p_compound
    and (compounds.lockdown_from is null or days.day >= compounds.lockdown_from)
    and (compounds.lockdown_until is null or days.day < compounds.lockdown_until);
