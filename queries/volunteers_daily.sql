-- The volunteer cards for a day: who was on duty, how many hours, how many buildings had no
-- door guard.
-- Grain: one row per day from $date_from to $date_to (the page asks for the as-of date and
-- the day before, for the change).
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- The shared rules (queries/rules/): shifts_in_scope (a shift counts on its date; one person
-- per volunteer_key; with a building filter, only shifts naming one of its buildings) and
-- guard_coverage (a building-day without a guard shift is a gap, on lockdown days only).
with

days as (
    select day from day_range($date_from, $date_to)
),

work as (
    select day, count(distinct volunteer_key) as volunteers_on_duty, sum(hours) as hours
    from shifts_in_scope($compound, $buildings, $date_from, $date_to)
    group by day
),

guard_gaps as (
    select day, count(*) as guard_gaps
    from guard_coverage($compound, $buildings, $date_from, $date_to)
    where not is_covered
    group by day
),

final as (
    select
        days.day,
        coalesce(work.volunteers_on_duty, 0) as volunteers_on_duty,
        round(coalesce(work.hours, 0), 1) as hours,
        coalesce(guard_gaps.guard_gaps, 0) as guard_gaps
    from days
    left join work using (day)
    left join guard_gaps using (day)
    order by days.day
)

select * from final
