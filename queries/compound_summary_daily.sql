-- The compound's daily figures for the district view that no page query gives per day: fever
-- against the compound's own baseline, and households not screened.
-- Grain: one row per day from $date_from to $date_to (the whole compound, no building filter).
-- Parameters: $compound, $date_from, $date_to, $fever_c, $baseline_days, $factor, $min_count.
-- fever_baseline: the mean daily fever count of the $baseline_days days before the day (days
--   without screenings count as 0), as the screening page takes it for a building; and
--   is_fever_alert, the same rule for the whole compound.
-- not_screened: register households that no screening reached on the day, on lockdown days
--   only (null on other days), as the briefing counts them (household_records, lockdown_days).
with

days as (
    select day from day_range($date_from, $date_to)
),

fever_days as (
    select day, count(*) as fever
    from screenings_in_scope($compound, [], $date_from::date - $baseline_days::integer, $date_to)
    where has_fever(max_temp_c, $fever_c)
    group by day
),

fever as (
    select days.day, coalesce(fever_days.fever, 0) as fever
    from days
    left join fever_days using (day)
),

baseline as (
    select days.day, coalesce(sum(fever_days.fever), 0) / $baseline_days as fever_baseline
    from days
    left join fever_days
        on fever_days.day >= days.day - $baseline_days::integer
        and fever_days.day < days.day
    group by days.day
),

records as (
    select building, unit, room, screened_on
    from household_records($compound, [], $date_from, $date_to)
),

households as (
    select count(*) as households
    from (select distinct building, unit, room from records)
),

screened as (
    select screened_on as day, count(distinct (building, unit, room)) as screened
    from records
    where screened_on is not null
    group by screened_on
),

lockdown as (
    select day from lockdown_days($compound, $date_from, $date_to)
),

final as (
    select
        days.day,
        round(baseline.fever_baseline, 2) as fever_baseline,
        is_fever_alert(fever.fever, baseline.fever_baseline, $factor, $min_count) as is_fever_alert,
        case when lockdown.day is not null
            then households.households - coalesce(screened.screened, 0)
        end as not_screened
    from days
    cross join households
    join fever using (day)
    join baseline using (day)
    left join screened using (day)
    left join lockdown using (day)
    order by days.day
)

select * from final
