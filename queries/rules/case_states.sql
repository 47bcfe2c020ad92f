-- Rule: what was each case's class and outcome at the end (24:00) of each day, and the day
-- before? Replayed from case_events: a class counts from its report date (an update without
-- one: the case's first report), an outcome from its outcome date (else its report date);
-- the latest event (event_seq) of each kind wins. A case is known from its first class.
-- is_active: confirmed, suspected or asymptomatic, and not ruled out (the case marks its
-- floor); is_suspected: suspected and not ruled out; is_new_suspected, is_newly_confirmed,
-- is_newly_ruled_out: so that day and not the day before (or not known then).
-- Grain: one row per day from p_from to p_to and case known by its end; building and floor
-- are the case's address.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro case_states(p_compound, p_buildings, p_from, p_to) as table
with

days as (
    -- from the day before p_from: each day is compared with the one before it
    select day from day_range(p_from::date - 1, p_to)
),

cases as (
    select case_id, building, floor
    from main.cases
    where compound = p_compound
        and building in (select building from scoped_buildings(p_compound, p_buildings))
),

events as (
    select case_events.case_id, case_events.event_seq, case_events.class, case_events.outcome,
        coalesce(case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as class_on,
        coalesce(case_events.outcome_on, case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as outcome_on
    from main.case_events as case_events
    where case_events.compound = p_compound
        and case_events.case_id in (select case_id from cases)
),

states as (
    select days.day, events.case_id,
        last(events.class order by events.event_seq)
            filter (where events.class is not null and events.class_on <= days.day) as class,
        last(events.outcome order by events.event_seq)
            filter (where events.outcome is not null and events.outcome_on <= days.day) as outcome
    from days
    join events on events.class_on <= days.day
    group by days.day, events.case_id
),

changes as (
    -- blank for "none" (or "not known the day before"), so that every test is true or false
    select today.day, today.case_id, today.class, today.outcome,
        yesterday.class as class_before, yesterday.outcome as outcome_before,
        coalesce(today.class, '') as class_now, coalesce(today.outcome, '') as outcome_now,
        coalesce(yesterday.class, '') as class_then, coalesce(yesterday.outcome, '') as outcome_then
    from states as today
    left join states as yesterday
        on yesterday.case_id = today.case_id
        and yesterday.day = today.day - 1
    where today.day >= p_from::date
),

final as (
    select
        changes.day,
        changes.case_id,
        cases.building,
        cases.floor,
        changes.class,
        changes.outcome,
        changes.class_before,
        changes.outcome_before,
        changes.class_now in ('confirmed', 'suspected', 'asymptomatic')
            and changes.outcome_now <> 'ruled_out' as is_active,
        changes.class_now = 'confirmed' as is_confirmed,
        changes.class_now = 'suspected' and changes.outcome_now <> 'ruled_out' as is_suspected,
        changes.class_now = 'suspected' and changes.class_then <> 'suspected' as is_new_suspected,
        changes.class_now = 'confirmed' and changes.class_then <> 'confirmed' as is_newly_confirmed,
        changes.outcome_now = 'ruled_out' and changes.outcome_then <> 'ruled_out'
            as is_newly_ruled_out
    from changes
    join cases using (case_id)
)

select * from final;
