-- How fresh is each kind of data: when was it last imported, what is its newest record, and
-- is it stale (not imported for more than $stale_hours before $now)?
-- Grain: one row per kind of the contract (never-imported kinds included).
-- Parameters: $compound, $now (local time), $stale_hours.
with

kinds as (
    select * from (values
        ('buildings', 1), ('households', 2), ('volunteers', 3), ('seals', 4), ('shifts', 5),
        ('deliveries', 6), ('medicine_requests', 7), ('screenings', 8), ('cases', 9),
        ('vehicle_trips', 10)
    ) as kinds (kind, position)
),

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
    select
        kinds.kind,
        imports.last_import_at,
        newest.newest_on,
        is_stale(imports.last_import_at, $now, $stale_hours) as is_stale
    from kinds
    left join imports using (kind)
    left join newest using (kind)
    order by kinds.position
)

select * from final
