-- Rule: which deliveries and screenings reached each household of the register? A record is
-- the household's when its address is the household's (is_same_household).
-- Grain: one row per household in scope and delivery (kind 'delivery': delivered_at) or
-- screening (kind 'screening': screened_on, max_temp_c) of it dated p_from (null: the first)
-- to the end of p_to; a household with neither has one row with kind null.
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro household_records(p_compound, p_buildings, p_from, p_to) as table
with

records as (
    select 'delivery' as kind, building, unit, room, delivered_at,
        null::date as screened_on, null::double as max_temp_c
    from deliveries_in_scope(p_compound, p_buildings, p_from, p_to)
    union all
    select 'screening', building, unit, room, null, day, max_temp_c
    from screenings_in_scope(p_compound, p_buildings, p_from, p_to)
),

final as (
    select
        households.building,
        households.unit,
        households.floor,
        households.room,
        records.kind,
        records.delivered_at,
        records.screened_on,
        records.max_temp_c
    from scoped_households(p_compound, p_buildings) as households
    left join records
        on is_same_household(households.building, households.unit, households.room,
                             records.building, records.unit, records.room)
)

select * from final;
