-- Which seals were in force during the trend range: which building or floors, from when until
-- when, why, and how many households they shut in?
-- Grain: one row per seal interval: a whole building, or a run of consecutive floors of one
-- building sealed and lifted on the same days for the same reason (A1 2-3 is one row).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- sealed_until is the day the seal was lifted (null = still sealed); bar_from/bar_until clip the
-- interval to the range for drawing (bar_until exclusive: the seal ends at the start of that day).
with

buildings as (
    select building, floors
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

households as (
    select households.building, households.floor
    from households
    join buildings using (building)
    where households.compound = $compound
),

seals as (
    select seals.building, seals.floor, seals.sealed_from, seals.sealed_until, seals.reason
    from seals
    join buildings using (building)
    where seals.compound = $compound
        and seals.sealed_from <= $date_to::date
        and (seals.sealed_until is null or $date_from::date < seals.sealed_until)
),

numbered as (
    -- consecutive floors sealed together share floor - row_number (gaps and islands)
    select *,
        floor - row_number() over (
            partition by building, sealed_from, sealed_until, reason order by floor) as run
    from seals
),

intervals as (
    select building, sealed_from, sealed_until, reason,
        min(floor) as floor_from, max(floor) as floor_to
    from numbered
    group by building, sealed_from, sealed_until, reason, run
),

interval_households as (
    select intervals.building, intervals.floor_from, intervals.sealed_from,
        count(households.floor) as households
    from intervals
    left join households
        on households.building = intervals.building
        and (intervals.floor_from is null
             or households.floor between intervals.floor_from and intervals.floor_to)
    group by intervals.building, intervals.floor_from, intervals.sealed_from
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
        interval_households.households,
        greatest(intervals.sealed_from, $date_from::date) as bar_from,
        least(coalesce(intervals.sealed_until, $date_to::date + 1), $date_to::date + 1) as bar_until
    from intervals
    join interval_households
        on interval_households.building = intervals.building
        and interval_households.floor_from is not distinct from intervals.floor_from
        and interval_households.sealed_from = intervals.sealed_from
    order by regexp_extract(intervals.building, '^[A-Z]+'),
        try_cast(regexp_extract(intervals.building, '\d+$') as integer), intervals.building,
        intervals.floor_from nulls first, intervals.sealed_from
)

select * from final
