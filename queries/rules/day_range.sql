-- Rule: the days of a range, both ends included (a day's state is taken at its end, 24:00).
-- day_range(p_from, p_to): one row per day from p_from to p_to.
-- days_ending_from(p_to, p_days): the first of the p_days days ending on p_to (a moving
--   average of p_days days looks back to it).
-- Parameters: p_from, p_to (dates), p_days (a number of days).
create or replace temp macro day_range(p_from, p_to) as table
select unnest(generate_series(p_from::date, p_to::date, interval 1 day))::date as day;

create or replace temp macro days_ending_from(p_to, p_days) as
    p_to::date - (p_days - 1)::integer;
