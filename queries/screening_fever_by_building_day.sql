-- Where is the fever: how many screenings had fever in each building on each day, and the
-- building's mean daily fever count over the $ma_days days ending that day?
-- Grain: one row per building (in the filter) and day from $date_from to $date_to; a day
-- without screenings is 0.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $fever_c (fever threshold), $ma_days (days of the moving average).
with

days as (
    select unnest(generate_series(
        $date_from::date - ($ma_days - 1)::integer, $date_to::date, interval 1 day))::date as day
),

buildings as (
    select building
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

screenings as (
    select screenings.date as day, screenings.building, screenings.room, screenings.max_temp_c
    from screenings
    join buildings using (building)
    where screenings.compound = $compound
        and screenings.date between $date_from::date - ($ma_days - 1)::integer and $date_to::date
),

screening_counts as (
    select building, day,
        count(*) filter (where max_temp_c >= $fever_c) as fever,
        count(distinct room) as households_screened
    from screenings
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
