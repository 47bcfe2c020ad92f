-- How many buildings, floors and households were sealed, and how many floors had a case,
-- on each day of a range?
-- Grain: one row per day from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- Same rules as seals_floor_state: a day is taken at its end (24:00); a seal is active from
-- sealed_from until the day before sealed_until; a whole-building seal (floor null) seals every
-- floor; a confirmed, suspected or asymptomatic case is on its floor until it is ruled out.
with

days as (
    select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date as day
),

buildings as (
    select building, floors
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

households as (
    select households.building, households.floor, count(*) as households
    from households
    join buildings using (building)
    where households.compound = $compound
    group by households.building, households.floor
),

sealed_floors as (
    -- the shared rule (sitrep/macros.sql): a whole-building seal seals every floor
    select * from sealed_floor_days($compound, $buildings, $date_from, $date_to)
),

seal_counts as (
    select day,
        count(distinct building) filter (where is_whole_building) as sealed_buildings,
        count(distinct (building, floor)) as sealed_floors
    from sealed_floors
    group by day
),

sealed_households as (
    select sealed.day, sum(households.households) as sealed_households
    from (select distinct day, building, floor from sealed_floors) as sealed
    join households using (building, floor)
    group by sealed.day
),

case_events as (
    select case_events.case_id, case_events.event_seq, case_events.class, case_events.outcome,
        -- an update without a report date counts from the case's first report
        coalesce(case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as class_on,
        coalesce(case_events.outcome_on, case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as outcome_on
    from case_events
    where case_events.compound = $compound
),

case_states as (
    select days.day, case_events.case_id,
        last(case_events.class order by case_events.event_seq)
            filter (where case_events.class is not null and case_events.class_on <= days.day) as class,
        last(case_events.outcome order by case_events.event_seq)
            filter (where case_events.outcome is not null and case_events.outcome_on <= days.day)
            as outcome
    from days
    join case_events on case_events.class_on <= days.day
    group by days.day, case_events.case_id
),

case_floors as (
    select case_states.day, count(distinct (cases.building, cases.floor)) as case_floors
    from case_states
    join cases on cases.compound = $compound and cases.case_id = case_states.case_id
    join buildings on buildings.building = cases.building
    where case_states.class in ('confirmed', 'suspected', 'asymptomatic')
        and coalesce(case_states.outcome, '') <> 'ruled_out'
    group by case_states.day
),

final as (
    select
        days.day,
        coalesce(seal_counts.sealed_buildings, 0) as sealed_buildings,
        coalesce(seal_counts.sealed_floors, 0) as sealed_floors,
        coalesce(sealed_households.sealed_households, 0)::bigint as sealed_households,
        coalesce(case_floors.case_floors, 0) as case_floors
    from days
    left join seal_counts using (day)
    left join sealed_households using (day)
    left join case_floors using (day)
    order by days.day
)

select * from final
