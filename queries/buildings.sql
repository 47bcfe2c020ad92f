-- Which buildings does the compound have, with their height and household count?
-- Grain: one row per building. Parameters: $compound.
with

buildings as (
    select * from buildings where compound = $compound
),

households as (
    select building, count(*) as households
    from scoped_households($compound, [])
    group by building
),

final as (
    select
        buildings.building,
        buildings.floors,
        coalesce(households.households, 0) as households
    from buildings
    left join households using (building)
    -- A2 before A10: letters, then the number
    order by regexp_extract(buildings.building, '^[A-Z]+'),
        try_cast(regexp_extract(buildings.building, '\d+$') as integer)
)

select * from final
