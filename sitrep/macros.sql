-- Rules that several named queries share, as DuckDB table macros: one definition each.
-- queries.run creates them as temporary macros on the connection (or cursor) before each query,
-- so any snapshot, old or new and read-only, has them and nothing is written to it. Tables are
-- named with their schema (main.) so a calling query's CTE of the same name cannot stand in.

-- Which building floors were sealed at the end of each day of a range?
-- One row per (day, building, floor). A seal is active from sealed_from until the day before
-- sealed_until; a whole-building seal (floor null) seals every floor of the building
-- (is_whole_building). p_buildings: the building filter (empty list = all).
create or replace temp macro sealed_floor_days(p_compound, p_buildings, p_from, p_to) as table
select distinct days.day, seals.building, seals.floor is null as is_whole_building,
    coalesce(seals.floor, floor_numbers.floor) as floor
from (select unnest(generate_series(p_from::date, p_to::date, interval 1 day))::date as day) as days
join main.seals as seals
    on seals.sealed_from <= days.day
    and (seals.sealed_until is null or days.day < seals.sealed_until)
join main.buildings as buildings
    on buildings.compound = seals.compound
    and buildings.building = seals.building
cross join lateral (select unnest(generate_series(1, buildings.floors)) as floor) as floor_numbers
where seals.compound = p_compound
    and (len(p_buildings::varchar[]) = 0 or list_contains(p_buildings::varchar[], seals.building))
    and (seals.floor is null or floor_numbers.floor = seals.floor);

-- Which dates are plausible for each compound (contract.py "Bounds")? From its lockdown start,
-- else 1 January of its configured year, else p_fallback_days before p_today, minus its margin
-- (window_margin_days, else p_margin_days), to p_today plus one day; both ends included.
-- The importer rejects a date outside (p_today = the import day); the dashboard's dates stay
-- inside (p_today = today). One row per compound.
create or replace temp macro compound_window(p_today, p_margin_days, p_fallback_days) as table
select compound,
    coalesce(
        lockdown_from,
        case when year between 1900 and 2100 then make_date(year, 1, 1) end,
        p_today::date - p_fallback_days::integer
    ) - coalesce(window_margin_days, p_margin_days)::integer as window_from,
    p_today::date + 1 as window_until
from main.compounds;
