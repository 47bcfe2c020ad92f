-- What is the state of every floor of every building on $day: sealed with its whole building,
-- sealed on its own, a case on it, or open? With its households, cases and last delivery.
-- Grain: one row per building floor (every floor 1..floors of the buildings in the filter).
-- Parameters: $compound, $buildings (empty list = all), $day.
-- The day is taken at its end (24:00). A seal is active from sealed_from until the day before
-- sealed_until (the day it was lifted); a whole-building seal (floor null) seals every floor.
-- A case (confirmed, suspected or asymptomatic, replayed from case_events: a class counts from
-- its report date, an outcome from its outcome date) is on its floor until it is ruled out.
-- seal_state: sealed_building > sealed_floor > case (a case on an open floor) > open.
with

buildings as (
    select building, floors
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

floors as (
    select buildings.building, floor_numbers.floor
    from buildings
    cross join lateral (
        select unnest(generate_series(1, buildings.floors)) as floor
    ) as floor_numbers
),

households as (
    select households.building, households.floor, count(*) as households
    from households
    join buildings using (building)
    where households.compound = $compound
    group by households.building, households.floor
),

active_seals as (
    select seals.building, seals.floor, seals.sealed_from
    from seals
    join buildings using (building)
    where seals.compound = $compound
        and seals.sealed_from <= $day::date
        and (seals.sealed_until is null or $day::date < seals.sealed_until)
),

building_seals as (
    select building, min(sealed_from) as sealed_since
    from active_seals
    where floor is null
    group by building
),

floor_seals as (
    select building, floor, min(sealed_from) as sealed_since
    from active_seals
    where floor is not null
    group by building, floor
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
    select case_id,
        last(class order by event_seq)
            filter (where class is not null and class_on <= $day::date) as class,
        last(outcome order by event_seq)
            filter (where outcome is not null and outcome_on <= $day::date) as outcome
    from case_events
    where class_on <= $day::date
    group by case_id
),

active_cases as (
    select cases.building, cases.floor, case_states.class
    from case_states
    join cases on cases.compound = $compound and cases.case_id = case_states.case_id
    join buildings on buildings.building = cases.building
    where case_states.class in ('confirmed', 'suspected', 'asymptomatic')
        and coalesce(case_states.outcome, '') <> 'ruled_out'
),

floor_cases as (
    select building, floor,
        count(*) as cases,
        count(*) filter (where class = 'confirmed') as confirmed,
        count(*) filter (where class = 'suspected') as suspected,
        count(*) filter (where class = 'asymptomatic') as asymptomatic
    from active_cases
    group by building, floor
),

floor_deliveries as (
    select deliveries.building, deliveries.floor, max(deliveries.delivered_at) as last_delivery_at
    from deliveries
    join buildings using (building)
    where deliveries.compound = $compound
        and deliveries.delivered_at < $day::date + 1
    group by deliveries.building, deliveries.floor
),

final as (
    select
        floors.building,
        floors.floor,
        case
            when building_seals.building is not null then 'sealed_building'
            when floor_seals.building is not null then 'sealed_floor'
            when floor_cases.cases > 0 then 'case'
            else 'open'
        end as seal_state,
        coalesce(building_seals.sealed_since, floor_seals.sealed_since) as sealed_since,
        coalesce(households.households, 0) as households,
        case when building_seals.building is not null or floor_seals.building is not null
            then coalesce(households.households, 0) else 0 end as sealed_households,
        coalesce(floor_cases.cases, 0) as cases,
        coalesce(floor_cases.confirmed, 0) as confirmed,
        coalesce(floor_cases.suspected, 0) as suspected,
        coalesce(floor_cases.asymptomatic, 0) as asymptomatic,
        floor_deliveries.last_delivery_at
    from floors
    left join building_seals using (building)
    left join floor_seals using (building, floor)
    left join households using (building, floor)
    left join floor_cases using (building, floor)
    left join floor_deliveries using (building, floor)
    -- A2 before A10: letters, then the number
    order by regexp_extract(floors.building, '^[A-Z]+'),
        try_cast(regexp_extract(floors.building, '\d+$') as integer), floors.building, floors.floor
)

select * from final
