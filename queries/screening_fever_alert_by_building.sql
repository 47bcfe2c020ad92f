-- Which buildings' fever count on the as-of date rose above their own recent baseline?
-- Rule (is_fever_alert, sitrep/config.py FEVER_ALERT): alert when the day's fever count >=
-- $min_count and > $factor x the building's mean daily fever count over the $baseline_days
-- days before it (days without screenings count as 0).
-- Grain: one row per building in the filter; alerted buildings first, then by fever.
-- Parameters: $compound, $buildings (empty list = all), $as_of, $fever_c,
--   $baseline_days, $factor, $min_count.
with

buildings as (
    select building from scoped_buildings($compound, $buildings)
),

fever_screenings as (
    select building, day
    from screenings_in_scope($compound, $buildings, $as_of::date - $baseline_days::integer, $as_of)
    where has_fever(max_temp_c, $fever_c)
),

counts as (
    select buildings.building,
        count(fever_screenings.day) filter (where fever_screenings.day = $as_of::date) as fever,
        count(fever_screenings.day) filter (where fever_screenings.day < $as_of::date)
            as baseline_fever
    from buildings
    left join fever_screenings using (building)
    group by buildings.building
),

rated as (
    select building, fever,
        baseline_fever / $baseline_days as baseline_mean
    from counts
),

final as (
    select
        building,
        fever,
        round(baseline_mean, 2) as baseline_mean,
        round($factor * baseline_mean, 2) as threshold,
        is_fever_alert(fever, baseline_mean, $factor, $min_count) as is_alert
    from rated
    order by is_alert desc, fever desc,
        regexp_extract(building, '^[A-Z]+'), try_cast(regexp_extract(building, '\d+$') as integer),
        building
)

select * from final
