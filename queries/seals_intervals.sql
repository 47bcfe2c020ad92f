-- Which seals were in force during the trend range: which building or floors, from when until
-- when, why, and how many households they shut in?
-- Grain: one row per seal interval: a whole building, or a run of consecutive floors of one
-- building sealed and lifted on the same days for the same reason (A1 2-3 is one row).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- sealed_until is the day the seal was lifted (null = still sealed); bar_from/bar_until clip the
-- interval to the range for drawing (bar_until exclusive: the seal ends at the start of that day).
with

households as (
    select building, floor
    from scoped_households($compound, $buildings)
),

seals as (
    -- in force on at least one day of the range (the shared rule, queries/rules/)
    select building, floor, sealed_from, sealed_until, reason
    from seals_in_force($compound, $buildings, $date_from, $date_to)
),

seal_households as (
    -- the households each seal shuts in (seal_floors: a whole-building seal, every floor)
    select seal_floors.building, seal_floors.sealed_from,
        case when not seal_floors.is_whole_building then seal_floors.floor end as floor,
        count(households.floor) as households
    from seal_floors($compound, $buildings, $date_from, $date_to) as seal_floors
    left join households
        on households.building = seal_floors.building
        and households.floor = seal_floors.floor
    group by all
),

numbered as (
    -- consecutive floors sealed together share floor - row_number (gaps and islands)
    select seals.*, coalesce(seal_households.households, 0) as households,
        seals.floor - row_number() over (
            partition by seals.building, seals.sealed_from, seals.sealed_until, seals.reason
            order by seals.floor) as run
    from seals
    left join seal_households
        on seal_households.building = seals.building
        and seal_households.sealed_from = seals.sealed_from
        and seal_households.floor is not distinct from seals.floor
),

intervals as (
    select building, sealed_from, sealed_until, reason,
        min(floor) as floor_from, max(floor) as floor_to, sum(households)::bigint as households
    from numbered
    group by building, sealed_from, sealed_until, reason, run
),

final as (
    select
        intervals.building,
        intervals.floor_from is null as is_whole_building,
        intervals.floor_from,
        intervals.floor_to,
        intervals.sealed_from,
        intervals.sealed_until,
        intervals.reason,
        intervals.households,
        greatest(intervals.sealed_from, $date_from::date) as bar_from,
        least(coalesce(intervals.sealed_until, $date_to::date + 1), $date_to::date + 1) as bar_until
    from intervals
    order by regexp_extract(intervals.building, '^[A-Z]+'),
        try_cast(regexp_extract(intervals.building, '\d+$') as integer), intervals.building,
        intervals.floor_from nulls first, intervals.sealed_from
)

select * from final
