-- The site plan on $as_of: where is each building, how tall, and is it sealed whole, sealed on
-- some floors, with a case on an open floor, or open?
-- Grain: one row per building of the compound (all of them, so the plan keeps its context;
-- is_in_filter says which ones the building filter chose).
-- Parameters: $compound, $buildings (empty list = all), $as_of.
-- Footprint: x_m, y_m are the centre, width_m along x, depth_m along y, in metres. A building
-- without a position is laid out on a grid of 6 per row beyond the positioned ones; a missing
-- size defaults to 20 x 12 m. Seals and cases follow the shared rules (queries/rules/):
-- seal_floors, sealed_households and case_states, over every building of the compound.
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
    select building, count(*) as households
    from scoped_households($compound, [])
    group by building
),

building_seals as (
    select building,
        bool_or(is_whole_building) as is_whole_building,
        bool_or(not is_whole_building) as has_floor_seal,
        count(distinct floor) as sealed_floors
    from seal_floors($compound, [], $as_of, $as_of)
    group by building
),

sealed_households as (
    select building, count(*) as sealed_households
    from sealed_households($compound, [], $as_of, $as_of)
    group by building
),

building_cases as (
    select building, count(*) as cases, count(distinct floor) as case_floors
    from case_states($compound, [], $as_of, $as_of)
    where is_active
    group by building
),

final as (
    select
        footprints.building,
        footprints.floors,
        case
            when building_seals.is_whole_building then 'sealed_building'
            when building_seals.has_floor_seal then 'sealed_floor'
            when building_cases.cases > 0 then 'case'
            else 'open'
        end as seal_state,
        coalesce(building_seals.sealed_floors, 0) as sealed_floors,
        coalesce(sealed_households.sealed_households, 0) as sealed_households,
        coalesce(households.households, 0) as households,
        coalesce(building_cases.cases, 0) as cases,
        coalesce(building_cases.case_floors, 0) as case_floors,
        is_in_scope($buildings, footprints.building) as is_in_filter,
        footprints.x_m,
        footprints.y_m,
        footprints.width_m,
        footprints.depth_m,
        footprints.x_m - footprints.width_m / 2 as x0,
        footprints.x_m + footprints.width_m / 2 as x1,
        footprints.y_m - footprints.depth_m / 2 as y0,
        footprints.y_m + footprints.depth_m / 2 as y1
    from footprints
    left join households using (building)
    left join building_seals using (building)
    left join sealed_households using (building)
    left join building_cases using (building)
    order by footprints.position
)

select * from final
