-- How fresh is each kind of data: when was it last imported, and what is its newest record?
-- Grain: one row per kind that has been imported. Parameters: $compound.
with

imports as (
    select kind, max(imported_at) as last_import_at
    from import_history
    where compound = $compound and refused is null
    group by kind
),

newest as (
    select 'shifts' as kind, max(date) as newest_on from shifts where compound = $compound
    union all select 'deliveries', max(delivered_at)::date from deliveries where compound = $compound
    union all select 'medicine_requests', max(requested_at)::date from medicine_requests where compound = $compound
    union all select 'screenings', max(date) from screenings where compound = $compound
    union all select 'cases', max(reported_on) from cases where compound = $compound
    union all select 'seals', max(sealed_from) from seals where compound = $compound
    union all select 'vehicle_trips', max(departed_at)::date from vehicle_trips where compound = $compound
),

final as (
    select imports.kind, imports.last_import_at, newest.newest_on
    from imports
    left join newest using (kind)
    order by imports.kind
)

select * from final
