-- How many households were screened each day against all households (coverage), how many
-- had fever, what was done with them (screening dispositions) and how the cases moved
-- (new suspected, new confirmed, suspected ruled out; suspected now, confirmed in all)?
-- Grain: one row per day from $date_from to $date_to; a day without screening rows is 0.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $fever_c (fever threshold), $ma_days (days of the fever moving average).
-- A day's state is taken at its end (24:00). Cases are replayed from case_events as
-- overview_daily does: a class counts from its report date, an outcome from its outcome date.
-- fever_ma is the mean daily fever count over the $ma_days days ending that day (days before
-- the window are counted from the data too; days without screenings count as 0).
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

households as (
    select count(*) as households
    from households
    join buildings using (building)
    where households.compound = $compound
),

screenings as (
    select screenings.date as day, screenings.building, screenings.room,
        screenings.max_temp_c, screenings.disposition
    from screenings
    join buildings using (building)
    where screenings.compound = $compound
        and screenings.date between $date_from::date - ($ma_days - 1)::integer and $date_to::date
),

screening_counts as (
    select day,
        count(distinct (building, room)) as households_screened,
        count(*) filter (where max_temp_c >= $fever_c) as fever,
        count(*) filter (where disposition = 'watch') as watch,
        count(*) filter (where disposition = 'reported') as reported,
        count(*) filter (where disposition = 'isolated') as isolated,
        count(*) filter (where disposition = 'to_hospital') as to_hospital,
        count(*) filter (where disposition = 'cleared') as cleared
    from screenings
    group by day
),

case_events as (
    select case_events.case_id, case_events.event_seq, case_events.class, case_events.outcome,
        -- a class counts from its report date (an update without one: the case's first report);
        -- an outcome from its outcome date
        coalesce(case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as class_on,
        coalesce(case_events.outcome_on, case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as outcome_on
    from case_events
    join cases using (compound, case_id)
    join buildings on buildings.building = cases.building
    where case_events.compound = $compound
),

case_states as (
    -- each case's class and outcome as they stood at the end of each day (and the day before)
    select days.day, case_events.case_id,
        last(case_events.class order by case_events.event_seq)
            filter (where case_events.class is not null and case_events.class_on <= days.day) as class,
        last(case_events.outcome order by case_events.event_seq)
            filter (where case_events.outcome is not null and case_events.outcome_on <= days.day)
            as outcome
    from (select day from days union select min(day) - 1 from days) as days
    join case_events on case_events.class_on <= days.day
    group by days.day, case_events.case_id
),

case_changes as (
    -- what changed for each case since the day before
    select today.day, today.case_id,
        today.class = 'suspected' and yesterday.class is distinct from 'suspected' as is_new_suspected,
        today.outcome = 'ruled_out' and yesterday.outcome is distinct from 'ruled_out'
            as is_newly_ruled_out,
        today.class = 'confirmed' as is_confirmed,
        today.class = 'suspected' and coalesce(today.outcome, '') <> 'ruled_out' as is_suspected
    from case_states as today
    left join case_states as yesterday
        on yesterday.case_id = today.case_id and yesterday.day = today.day - 1
),

case_counts as (
    select day,
        count(*) filter (where is_new_suspected) as suspected_new,
        count(*) filter (where is_newly_ruled_out) as ruled_out,
        count(*) filter (where is_suspected) as suspected,
        count(*) filter (where is_confirmed) as confirmed_total
    from case_changes
    group by day
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
        coalesce(screening_counts.cleared, 0) as cleared,
        coalesce(today.suspected_new, 0) as suspected_new,
        coalesce(today.ruled_out, 0) as ruled_out,
        coalesce(today.suspected, 0) as suspected,
        coalesce(today.confirmed_total, 0) as confirmed_total,
        coalesce(today.confirmed_total, 0) - coalesce(yesterday.confirmed_total, 0) as confirmed_new
    from days
    cross join households
    left join screening_counts using (day)
    left join case_counts as today on today.day = days.day
    left join case_counts as yesterday on yesterday.day = days.day - 1
),

moving as (
    select *,
        avg(fever) over (order by day rows between $ma_days - 1 preceding and current row) as fever_ma
    from daily
),

final as (
    select
        day,
        households,
        households_screened,
        round(100.0 * households_screened / nullif(households, 0), 1) as coverage_pct,
        fever,
        round(fever_ma, 2) as fever_ma,
        watch,
        reported,
        isolated,
        to_hospital,
        cleared,
        suspected_new,
        confirmed_new,
        ruled_out,
        suspected,
        confirmed_total
    from moving
    where day between $date_from::date and $date_to::date
    order by day
)

select * from final
