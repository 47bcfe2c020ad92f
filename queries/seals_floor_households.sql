-- Who lives on one floor (or in one building) on $as_of: each household's unit, residents and
-- vulnerable groups, its floor's seal state, its last delivery and its fever screenings.
-- Grain: one row per household of $building on $floor ($floor null = every floor).
-- Parameters: $compound, $building (the building drilled into), $floor, $as_of,
--   $fever_c (fever threshold).
-- room is personal: ui.query masks it to building · floor; phones are not selected.
-- The shared rules (queries/rules/): a delivery or screening is a household's by
-- is_same_household (household_records), counted up to the end of $as_of; the seal state by
-- seal_floors, as in seals_floor_state.
with

households as (
    select building, unit, floor, room, residents, vulnerable
    from scoped_households($compound, [$building])
    where $floor::integer is null or floor = $floor::integer
),

floor_seals as (
    select floor, bool_or(is_whole_building) as is_whole_building
    from seal_floors($compound, [$building], $as_of, $as_of)
    group by floor
),

household_records as (
    select unit, room,
        max(delivered_at) as last_delivery_at,
        count(delivered_at) as deliveries,
        count(screened_on) as screenings,
        count(*) filter (where has_fever(max_temp_c, $fever_c)) as fever_screenings,
        max(screened_on) as last_screened_on
    from household_records($compound, [$building], null, $as_of)
    group by unit, room
),

final as (
    select
        households.building,
        households.floor,
        households.unit,
        households.room,
        households.residents,
        households.vulnerable,
        case
            when floor_seals.is_whole_building then 'sealed_building'
            when floor_seals.floor is not null then 'sealed_floor'
            else 'open'
        end as seal_state,
        household_records.last_delivery_at,
        household_records.deliveries,
        household_records.screenings,
        household_records.fever_screenings,
        household_records.last_screened_on
    from households
    left join floor_seals using (floor)
    join household_records
        on household_records.room = households.room
        and household_records.unit is not distinct from households.unit
    order by households.floor, households.unit, households.room
)

select * from final
