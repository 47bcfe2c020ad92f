-- Who lives on one floor (or in one building) on $day: each household's unit, residents and
-- vulnerable groups, its floor's seal state, its last delivery and its fever screenings.
-- Grain: one row per household of $building on $floor ($floor null = every floor).
-- Parameters: $compound, $building, $floor, $day, $fever_c (fever threshold).
-- room is returned for the page to mask (shown as building · floor); phones are not selected.
-- A delivery or screening belongs to a household when floor and room number on the floor match
-- (`0301` typed on a delivery is room `301` of the register) and the units, when both are given.
-- Deliveries and screenings count up to the end of $day; seals follow seals_floor_state.
with

households as (
    select building, unit, floor, room, right(room, 2) as room_on_floor, residents, vulnerable,
        -- (unit, room) is the register's key; unit may be blank
        row_number() over (order by floor, unit, room) as household_key
    from households
    where compound = $compound
        and building = $building
        and ($floor::integer is null or floor = $floor::integer)
),

active_seals as (
    select floor
    from seals
    where compound = $compound
        and building = $building
        and sealed_from <= $day::date
        and (sealed_until is null or $day::date < sealed_until)
),

deliveries as (
    select unit, floor, right(room, 2) as room_on_floor, delivered_at
    from deliveries
    where compound = $compound
        and building = $building
        and delivered_at < $day::date + 1
),

screenings as (
    select unit, floor, right(room, 2) as room_on_floor, date, max_temp_c
    from screenings
    where compound = $compound
        and building = $building
        and date <= $day::date
),

household_deliveries as (
    select households.household_key, max(deliveries.delivered_at) as last_delivery_at,
        count(*) as deliveries
    from households
    join deliveries
        on deliveries.floor = households.floor
        and deliveries.room_on_floor = households.room_on_floor
        and (deliveries.unit is null or households.unit is null or deliveries.unit = households.unit)
    group by households.household_key
),

household_screenings as (
    select households.household_key,
        count(*) as screenings,
        count(*) filter (where screenings.max_temp_c >= $fever_c) as fever_screenings,
        max(screenings.date) as last_screened_on
    from households
    join screenings
        on screenings.floor = households.floor
        and screenings.room_on_floor = households.room_on_floor
        and (screenings.unit is null or households.unit is null or screenings.unit = households.unit)
    group by households.household_key
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
            when exists (select 1 from active_seals where active_seals.floor is null)
                then 'sealed_building'
            when exists (select 1 from active_seals where active_seals.floor = households.floor)
                then 'sealed_floor'
            else 'open'
        end as seal_state,
        household_deliveries.last_delivery_at,
        coalesce(household_deliveries.deliveries, 0) as deliveries,
        coalesce(household_screenings.screenings, 0) as screenings,
        coalesce(household_screenings.fever_screenings, 0) as fever_screenings,
        household_screenings.last_screened_on
    from households
    left join household_deliveries using (household_key)
    left join household_screenings using (household_key)
    order by households.floor, households.unit, households.room
)

select * from final
