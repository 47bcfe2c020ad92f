-- What is the state of every floor of every building on $as_of: sealed with its whole
-- building, sealed on its own, a case on it, or open? With its households, cases and last
-- delivery.
-- Grain: one row per building floor (every floor 1..floors of the buildings in the filter).
-- Parameters: $compound, $buildings (empty list = all), $as_of.
-- The day is taken at its end (24:00). Seals and cases follow the shared rules
-- (queries/rules/): seal_floors (a whole-building seal shuts every floor), sealed_households,
-- case_states (a case marks its floor while it is active).
-- seal_state: sealed_building > sealed_floor > case (a case on an open floor) > open;
-- sealed_since: the earliest start of the seals that shut the floor, whole-building first.
with

floors as (
    select building, floor from scoped_floors($compound, $buildings)
),

households as (
    select building, floor, count(*) as households
    from scoped_households($compound, $buildings)
    group by building, floor
),

floor_seals as (
    select building, floor,
        min(sealed_from) filter (where is_whole_building) as building_sealed_since,
        min(sealed_from) filter (where not is_whole_building) as floor_sealed_since
    from seal_floors($compound, $buildings, $as_of, $as_of)
    group by building, floor
),

sealed_households as (
    select building, floor, count(*) as sealed_households
    from sealed_households($compound, $buildings, $as_of, $as_of)
    group by building, floor
),

floor_cases as (
    select building, floor,
        count(*) as cases,
        count(*) filter (where class = 'confirmed') as confirmed,
        count(*) filter (where class = 'suspected') as suspected,
        count(*) filter (where class = 'asymptomatic') as asymptomatic
    from case_states($compound, $buildings, $as_of, $as_of)
    where is_active
    group by building, floor
),

floor_deliveries as (
    select building, floor, max(delivered_at) as last_delivery_at
    from deliveries_in_scope($compound, $buildings, null, $as_of)
    group by building, floor
),

final as (
    select
        floors.building,
        floors.floor,
        case
            when floor_seals.building_sealed_since is not null then 'sealed_building'
            when floor_seals.floor_sealed_since is not null then 'sealed_floor'
            when floor_cases.cases > 0 then 'case'
            else 'open'
        end as seal_state,
        coalesce(floor_seals.building_sealed_since, floor_seals.floor_sealed_since) as sealed_since,
        coalesce(households.households, 0) as households,
        coalesce(sealed_households.sealed_households, 0) as sealed_households,
        coalesce(floor_cases.cases, 0) as cases,
        coalesce(floor_cases.confirmed, 0) as confirmed,
        coalesce(floor_cases.suspected, 0) as suspected,
        coalesce(floor_cases.asymptomatic, 0) as asymptomatic,
        floor_deliveries.last_delivery_at
    from floors
    left join floor_seals using (building, floor)
    left join households using (building, floor)
    left join sealed_households using (building, floor)
    left join floor_cases using (building, floor)
    left join floor_deliveries using (building, floor)
    -- A2 before A10: letters, then the number
    order by regexp_extract(floors.building, '^[A-Z]+'),
        try_cast(regexp_extract(floors.building, '\d+$') as integer), floors.building, floors.floor
)

select * from final
