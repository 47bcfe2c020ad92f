-- How many buildings, floors and households were sealed, and how many floors had a case,
-- on each day of a range?
-- Grain: one row per day from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- The shared rules (queries/rules/): a day is taken at its end (24:00); seal_counts_daily (a
-- whole-building seal seals every floor); a case marks its floor while it is active
-- (case_states: confirmed, suspected or asymptomatic, not ruled out).
with

days as (
    select day from day_range($date_from, $date_to)
),

seals as (
    select day, sealed_buildings, sealed_floors, sealed_households
    from seal_counts_daily($compound, $buildings, $date_from, $date_to)
),

case_floors as (
    select day, count(distinct (building, floor)) as case_floors
    from case_states($compound, $buildings, $date_from, $date_to)
    where is_active
    group by day
),

final as (
    select
        days.day,
        seals.sealed_buildings,
        seals.sealed_floors,
        seals.sealed_households,
        coalesce(case_floors.case_floors, 0) as case_floors
    from days
    left join seals using (day)
    left join case_floors using (day)
    order by days.day
)

select * from final
