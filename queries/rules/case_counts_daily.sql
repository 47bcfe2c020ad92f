-- Rule: how did the cases move each day (case_states)? confirmed_total: confirmed cases;
-- confirmed_new: cases that became confirmed that day; suspected: suspected and not ruled
-- out; suspected_new: cases that became suspected that day; ruled_out: cases ruled out that day.
-- Grain: one row per day from p_from to p_to (a day without cases is 0).
-- Parameters: p_compound, p_buildings (empty list = all), p_from, p_to.
create or replace temp macro case_counts_daily(p_compound, p_buildings, p_from, p_to) as table
with

counts as (
    select day,
        count(*) filter (where is_confirmed) as confirmed_total,
        count(*) filter (where is_newly_confirmed) as confirmed_new,
        count(*) filter (where is_suspected) as suspected,
        count(*) filter (where is_new_suspected) as suspected_new,
        count(*) filter (where is_newly_ruled_out) as ruled_out
    from case_states(p_compound, p_buildings, p_from, p_to)
    group by day
),

final as (
    select
        days.day,
        coalesce(counts.confirmed_total, 0) as confirmed_total,
        coalesce(counts.confirmed_new, 0) as confirmed_new,
        coalesce(counts.suspected, 0) as suspected,
        coalesce(counts.suspected_new, 0) as suspected_new,
        coalesce(counts.ruled_out, 0) as ruled_out
    from day_range(p_from, p_to) as days
    left join counts using (day)
)

select * from final;
