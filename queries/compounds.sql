-- Which compounds does the snapshot hold, and which dates does each one's data span?
-- Grain: one row per compound. Parameters: none.
-- first_on/last_on: the first and last day of any dated record (the sidebar's date bounds).
with

compounds as (
    select * from compounds
),

record_days as (
    select compound, date as day from screenings
    union all select compound, date from shifts
    union all select compound, delivered_at::date from deliveries
    union all select compound, requested_at::date from medicine_requests
    union all select compound, reported_on from cases
    union all select compound, sealed_from from seals
    union all select compound, departed_at::date from vehicle_trips
),

spans as (
    select compound, min(day) as first_on, max(day) as last_on
    from record_days
    group by compound
),

final as (
    select
        compounds.compound,
        compounds.year,
        compounds.lockdown_from,
        compounds.lockdown_until,
        coalesce(spans.first_on, compounds.lockdown_from) as first_on,
        coalesce(spans.last_on, compounds.lockdown_from) as last_on,
        coalesce(compounds.default_as_of, spans.last_on) as default_as_of
    from compounds
    left join spans using (compound)
    order by compounds.compound
)

select * from final
