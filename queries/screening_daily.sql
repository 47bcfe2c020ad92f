-- How many households were screened each day against all households (coverage), how many
-- had fever, what was done with them (screening dispositions) and how the cases moved
-- (new suspected, new confirmed, suspected ruled out; suspected now, confirmed in all)?
-- Grain: one row per day from $date_from to $date_to; a day without screening rows is 0.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $fever_c (fever threshold), $ma_days (days of the fever moving average).
-- A day's state is taken at its end (24:00). Cases move as case_counts_daily replays them
-- (queries/rules/). households_screened counts distinct addresses screened that day.
-- fever_ma is the mean daily fever count over the $ma_days days ending that day (days before
-- the window are counted from the data too; days without screenings count as 0).
with

days as (
    -- from the first day the moving average of $date_from looks back to
    select day from day_range(days_ending_from($date_from, $ma_days), $date_to)
),

households as (
    select count(*) as households
    from scoped_households($compound, $buildings)
),

screening_counts as (
    select day,
        count(distinct (building, room)) as households_screened,
        count(*) filter (where has_fever(max_temp_c, $fever_c)) as fever,
        count(*) filter (where disposition = 'watch') as watch,
        count(*) filter (where disposition = 'reported') as reported,
        count(*) filter (where disposition = 'isolated') as isolated,
        count(*) filter (where disposition = 'to_hospital') as to_hospital,
        count(*) filter (where disposition = 'cleared') as cleared
    from screenings_in_scope($compound, $buildings, days_ending_from($date_from, $ma_days),
                             $date_to)
    group by day
),

cases as (
    select day, suspected_new, confirmed_new, ruled_out, suspected, confirmed_total
    from case_counts_daily($compound, $buildings, $date_from, $date_to)
),

daily as (
    select
        days.day,
        households.households,
        coalesce(screening_counts.households_screened, 0) as households_screened,
        coalesce(screening_counts.fever, 0) as fever,
        coalesce(screening_counts.watch, 0) as watch,
        coalesce(screening_counts.reported, 0) as reported,
        coalesce(screening_counts.isolated, 0) as isolated,
        coalesce(screening_counts.to_hospital, 0) as to_hospital,
        coalesce(screening_counts.cleared, 0) as cleared
    from days
    cross join households
    left join screening_counts using (day)
),

moving as (
    select *,
        avg(fever) over (order by day rows between $ma_days - 1 preceding and current row) as fever_ma
    from daily
),

final as (
    select
        moving.day,
        moving.households,
        moving.households_screened,
        round(100.0 * moving.households_screened / nullif(moving.households, 0), 1) as coverage_pct,
        moving.fever,
        round(moving.fever_ma, 2) as fever_ma,
        moving.watch,
        moving.reported,
        moving.isolated,
        moving.to_hospital,
        moving.cleared,
        cases.suspected_new,
        cases.confirmed_new,
        cases.ruled_out,
        cases.suspected,
        cases.confirmed_total
    from moving
    join cases using (day)
    order by moving.day
)

select * from final
