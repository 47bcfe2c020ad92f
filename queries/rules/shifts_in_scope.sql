-- Rule: which shifts count, on which day, and for whom?
-- A shift counts on its date (one past midnight on the day it started). With a building
-- filter, only shifts that name a building in the filter count (a shift without a building
-- counts only without a filter). volunteer_key is one person: the register's volunteer_id,
-- or the name as typed when it did not resolve; such a volunteer has the typed name and the
-- group and kind 'unresolved'. `name` is personal: ui.query masks it.
-- Grain: one row per shift dated p_from to p_to (p_from null: from the first shift).
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro shifts_in_scope(p_compound, p_buildings, p_from, p_to) as table
select
    shifts.date as day,
    shifts.volunteer_id,
    coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
    coalesce(volunteers.name, shifts.volunteer) as name,
    coalesce(volunteers."group", 'unresolved') as "group",
    coalesce(volunteers.kind, 'unresolved') as kind,
    shifts.task,
    shifts.building,
    shifts.hours
from main.shifts as shifts
left join main.volunteers as volunteers
    on volunteers.compound = shifts.compound
    and volunteers.volunteer_id = shifts.volunteer_id
where shifts.compound = p_compound
    and (p_from is null or shifts.date >= p_from::date)
    and shifts.date <= p_to::date
    and is_in_scope(p_buildings, shifts.building);
