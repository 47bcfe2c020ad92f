-- Rule: does a day's fever count call for attention against its own recent baseline? When it
-- is at least p_min_count and above p_factor times the baseline, the mean daily fever count of
-- the days before it (config.FEVER_ALERT: 2 fevers, twice the mean of the 7 days before).
-- Parameters: p_fever (the day's count), p_baseline_mean, p_factor, p_min_count.
create or replace temp macro is_fever_alert(p_fever, p_baseline_mean, p_factor, p_min_count) as
    p_fever >= p_min_count and p_fever > p_factor * p_baseline_mean;
