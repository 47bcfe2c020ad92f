-- Rule: which dates are plausible for each compound (sitrep/ingest/contract.py "Bounds")? From its
-- lockdown start, else 1 January of its configured year, else p_fallback_days before p_today,
-- minus its margin (window_margin_days, else p_margin_days), to p_today plus one day; both ends
-- included. The importer rejects a date outside it (p_today = the import day); the dashboard's
-- dates stay inside it (p_today = today).
-- Grain: one row per compound.
-- Parameters: p_today, p_margin_days, p_fallback_days (contract.window_params).
create or replace temp macro compound_window(p_today, p_margin_days, p_fallback_days) as table
select
    compounds.compound,
    coalesce(
        compounds.lockdown_from,
        case when compounds.year between 1900 and 2100 then make_date(compounds.year, 1, 1) end,
        p_today::date - p_fallback_days::integer
    ) - coalesce(compounds.window_margin_days, p_margin_days)::integer as window_from,
    p_today::date + 1 as window_until
from main.compounds as compounds;
