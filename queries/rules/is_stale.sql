-- Rule: is a kind of data stale? Never imported, or last imported more than p_stale_hours
-- (config.STALE_HOURS) before p_now (local time; config.freshness_params()).
-- Parameters: p_last_import_at, p_now, p_stale_hours.
create or replace temp macro is_stale(p_last_import_at, p_now, p_stale_hours) as
    p_last_import_at is null
    or p_last_import_at < p_now::timestamp - to_hours(p_stale_hours::integer);
