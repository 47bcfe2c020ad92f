-- The site plan on $day: where is each building, how tall, and is it sealed whole, sealed on
-- some floors, with a case on an open floor, or open?
-- Grain: one row per building of the compound (all of them, so the plan keeps its context;
-- is_in_filter says which ones the building filter chose).
-- Parameters: $compound, $buildings (empty list = all), $day.
-- Footprint: x_m, y_m are the centre, width_m along x, depth_m along y, in metres. A building
-- without a position is laid out on a grid of 6 per row beyond the positioned ones; a missing
-- size defaults to 20 x 12 m. Seals and cases follow the rules of seals_floor_state.
with

buildings as (
    select building, floors, x_m, y_m, width_m, depth_m,
        row_number() over (
            order by regexp_extract(building, '^[A-Z]+'),
                try_cast(regexp_extract(building, '\d+$') as integer), building) as position
    from buildings
    where compound = $compound
),

placed as (
    select *, x_m is null or y_m is null as is_unplaced
    from buildings
),

grid as (
    -- the grid starts 30 m beyond the positioned buildings (or at the origin without any)
    select coalesce(max(y_m + coalesce(depth_m, 12) / 2) filter (where not is_unplaced) + 30, 0)
        as grid_y
    from placed
),

unplaced as (
    select building, row_number() over (order by position) - 1 as slot
    from placed
    where is_unplaced
),

footprints as (
    select
        placed.building,
        placed.floors,
        placed.position,
        coalesce(placed.x_m, unplaced.slot % 6 * 40) as x_m,
        coalesce(placed.y_m, grid.grid_y + unplaced.slot // 6 * 40) as y_m,
        coalesce(placed.width_m, 20) as width_m,
        coalesce(placed.depth_m, 12) as depth_m
    from placed
    cross join grid
    left join unplaced using (building)
),

households as (
    select building, floor, count(*) as households
    from households
    where compound = $compound
    group by building, floor
),

active_seals as (
    select building, floor
    from seals
    where compound = $compound
        and sealed_from <= $day::date
        and (sealed_until is null or $day::date < sealed_until)
),

whole_sealed as (
    select distinct building from active_seals where floor is null
),

floor_sealed as (
    -- floors sealed on their own (a whole-building seal covers every floor)
    select distinct active_seals.building, active_seals.floor
    from active_seals
    where active_seals.floor is not null
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

building_cases as (
    select cases.building, count(*) as cases, count(distinct cases.floor) as case_floors
    from case_states
    join cases on cases.compound = $compound and cases.case_id = case_states.case_id
    where case_states.class in ('confirmed', 'suspected', 'asymptomatic')
        and coalesce(case_states.outcome, '') <> 'ruled_out'
    group by cases.building
),

floor_households as (
    select households.building, households.households,
        floor_sealed.building is not null as is_sealed_alone
    from households
    left join floor_sealed using (building, floor)
),

floors_sealed_alone as (
    select building, count(*) as floors_sealed_alone
    from floor_sealed
    group by building
),

building_counts as (
    select footprints.building,
        coalesce(sum(floor_households.households), 0)::bigint as households,
        coalesce(sum(floor_households.households) filter (where floor_households.is_sealed_alone),
            0)::bigint as households_sealed_alone,
        coalesce(any_value(floors_sealed_alone.floors_sealed_alone), 0) as floors_sealed_alone
    from footprints
    left join floor_households using (building)
    left join floors_sealed_alone using (building)
    group by footprints.building
),

final as (
    select
        footprints.building,
        footprints.floors,
        case
            when whole_sealed.building is not null then 'sealed_building'
            when building_counts.floors_sealed_alone > 0 then 'sealed_floor'
            when building_cases.cases > 0 then 'case'
            else 'open'
        end as seal_state,
        case when whole_sealed.building is not null then footprints.floors
            else building_counts.floors_sealed_alone end as sealed_floors,
        case when whole_sealed.building is not null then building_counts.households
            else building_counts.households_sealed_alone end as sealed_households,
        building_counts.households,
        coalesce(building_cases.cases, 0) as cases,
        coalesce(building_cases.case_floors, 0) as case_floors,
        len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], footprints.building)
            as is_in_filter,
        footprints.x_m,
        footprints.y_m,
        footprints.width_m,
        footprints.depth_m,
        footprints.x_m - footprints.width_m / 2 as x0,
        footprints.x_m + footprints.width_m / 2 as x1,
        footprints.y_m - footprints.depth_m / 2 as y0,
        footprints.y_m + footprints.depth_m / 2 as y1
    from footprints
    join building_counts using (building)
    left join whole_sealed using (building)
    left join building_cases using (building)
    order by footprints.position
)

select * from final
