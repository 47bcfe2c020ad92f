-- In each building, how many sealed households has a delivery reached in the last
-- $gap_hours hours, and how many not, as of the end of the as-of day (24:00)?
-- Grain: one row per building with a sealed household on $as_of; most not reached first.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $gap_hours.
-- Sealed and reached as the shared rule delivery_gap has them (queries/rules/).
with

gap as (
    select building, is_reached
    from delivery_gap($compound, $buildings, $as_of, $gap_hours)
),

final as (
    select
        building,
        count(*) as sealed_households,
        count(*) filter (where is_reached) as reached,
        count(*) filter (where not is_reached) as not_reached
    from gap
    group by building
    order by not_reached desc, regexp_extract(building, '^[A-Z]+'),
        try_cast(regexp_extract(building, '\d+$') as integer)
)

select * from final
