-- Where is the fever: how many screenings had fever in each building on each day, and the
-- building's mean daily fever count over the $ma_days days ending that day?
-- Grain: one row per building (in the filter) and day from $date_from to $date_to; a day
-- without screenings is 0.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $fever_c (fever threshold), $ma_days (days of the moving average).
with

days as (
    -- from the first day the moving average of $date_from looks back to
    select day from day_range(days_ending_from($date_from, $ma_days), $date_to)
),

buildings as (
    select building from scoped_buildings($compound, $buildings)
),

screening_counts as (
    select building, day,
        count(*) filter (where has_fever(max_temp_c, $fever_c)) as fever,
        count(distinct room) as households_screened
    from screenings_in_scope($compound, $buildings, days_ending_from($date_from, $ma_days),
                             $date_to)
    group by building, day
),

building_days as (
    select buildings.building, days.day,
        coalesce(screening_counts.fever, 0) as fever,
        coalesce(screening_counts.households_screened, 0) as households_screened
    from buildings
    cross join days
    left join screening_counts using (building, day)
),

moving as (
    select *,
        avg(fever) over (
            partition by building order by day rows between $ma_days - 1 preceding and current row
        ) as fever_ma
    from building_days
),

final as (
    select building, day, fever, round(fever_ma, 2) as fever_ma, households_screened
    from moving
    where day between $date_from::date and $date_to::date
    -- A2 before A10: letters, then the number (as queries/buildings.sql)
    order by regexp_extract(building, '^[A-Z]+'),
        try_cast(regexp_extract(building, '\d+$') as integer), building, day
)

select * from final
