-- Which days may the district page show, and which does it open on?
-- Grain: one row (nulls when no compound is in scope). Reads the district view
-- (sitrep/store/summary.py), not a snapshot.
-- Parameters: $compounds (the names in scope).
-- first_on/last_on: the first and last data day of any compound in scope; opens_on: the
-- latest day any of them opens on (its default_as_of, else its last data day: its opens_on),
-- so the district opens on the newest day some compound reports, and a compound whose data
-- ends before it shows as behind.
with

compounds as (
    select * from district_compounds
    where list_contains($compounds, compound)
),

final as (
    select
        min(first_on) as first_on,
        max(last_on) as last_on,
        max(opens_on) as opens_on,
        count(*) as compounds
    from compounds
)

select * from final
