-- Which rows were rejected, most recent import first, and why?
-- Grain: one row per rejected row. Parameters: $compound, $kinds (empty list = all), $limit.
with

rejected as (
    select * from rejected_rows
    where compound = $compound
        and (len($kinds::varchar[]) = 0 or list_contains($kinds::varchar[], kind))
),

imports as (
    select import_id, min(imported_at) as imported_at
    from import_history
    where compound = $compound
    group by import_id
),

final as (
    select
        imports.imported_at,
        rejected.kind,
        rejected.file,
        rejected.sheet,
        rejected.row_number,
        rejected."column",
        rejected.value,
        rejected.reason_zh,
        rejected.reason_en
    from rejected
    left join imports using (import_id)
    order by imports.imported_at desc nulls last, rejected.file, rejected.sheet, rejected.row_number
    limit $limit
)

select * from final
