-- Rule: how many buildings, floors and households were sealed at the end of each day?
-- sealed_buildings: under a whole-building seal; sealed_floors: distinct floors shut
-- (sealed_floor_days); sealed_households: households on them (sealed_households).
-- Grain: one row per day from p_from to p_to (a day without a seal is 0).
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro seal_counts_daily(p_compound, p_buildings, p_from, p_to) as table
with

floors as (
    select day,
        count(distinct building) filter (where is_whole_building) as sealed_buildings,
        count(distinct (building, floor)) as sealed_floors
    from sealed_floor_days(p_compound, p_buildings, p_from, p_to)
    group by day
),

households as (
    select day, count(*) as sealed_households
    from sealed_households(p_compound, p_buildings, p_from, p_to)
    group by day
),

final as (
    select
        days.day,
        coalesce(floors.sealed_buildings, 0) as sealed_buildings,
        coalesce(floors.sealed_floors, 0) as sealed_floors,
        coalesce(households.sealed_households, 0) as sealed_households
    from day_range(p_from, p_to) as days
    left join floors using (day)
    left join households using (day)
)

select * from final;
