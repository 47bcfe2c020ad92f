-- Which key dates fall in the trend window, to mark on the screening charts: the compound's
-- lockdown and reopening, seals put on and lifted, the call for volunteers, confirmed cases?
-- Grain: one row per day and kind of event, from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- kind: lockdown (compounds.lockdown_from), seal (seals.sealed_from), volunteer_call,
--   confirmed (the day a case became confirmed: case_states' is_newly_confirmed), unseal
--   (seals.sealed_until: open that day), reopen (compounds.lockdown_until).
-- The call for volunteers is the first joined_on of a Party-member or Lei Feng volunteer
-- outside the task force: the task force and the hospital doctors were posted the day before
-- the call, so "any volunteer outside the task force" would date it too early.
-- Lockdown, reopening and the call concern the whole compound and ignore the building filter.
-- items: how many (buildings sealed or lifted, cases confirmed); buildings: which, A1 B5 ...
with

compound as (
    select lockdown_from, lockdown_until
    from compounds
    where compound = $compound
),

seals as (
    select building, sealed_from, sealed_until
    from seals
    where compound = $compound
        and building in (select building from scoped_buildings($compound, $buildings))
),

volunteer_call as (
    select min(joined_on) as day
    from volunteers
    where compound = $compound
        and kind in ('party_member', 'lei_feng')
        and not coalesce(task_force, false)
),

confirmed as (
    select day, case_id, building
    from case_states($compound, $buildings, $date_from, $date_to)
    where is_newly_confirmed
),

events as (
    select lockdown_from as day, 'lockdown' as kind, null as building from compound
    union all
    select lockdown_until, 'reopen', null from compound
    union all
    select day, 'volunteer_call', null from volunteer_call
    union all
    select sealed_from, 'seal', building from seals
    union all
    select sealed_until, 'unseal', building from seals
    union all
    select day, 'confirmed', building from confirmed
),

final as (
    select
        day,
        kind,
        case when kind in ('seal', 'unseal') then count(distinct building) else count(*) end as items,
        string_agg(distinct building, ' ' order by building) as buildings
    from events
    where day between $date_from::date and $date_to::date
    group by day, kind
    order by day,
        list_position(['lockdown', 'seal', 'volunteer_call', 'confirmed', 'unseal', 'reopen'], kind)
)

select * from final
