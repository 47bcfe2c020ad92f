-- How many deliveries, and how many kg, reached the buildings each day, split by category
-- (蔬菜, 水果 …) and, separately, by source (捐赠, 团购, 网购, 政府调配)?
-- Grain: one row per day × dimension ('category' or 'source') × code, days with deliveries
-- only, from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to.
-- `code` is the stored code (an open-list category as typed); a delivery without a source
-- has code null. kg counts only quantities with a weight (斤, 公斤).
with

deliveries as (
    select day, category, source, kg
    from deliveries_in_scope($compound, $buildings, $date_from, $date_to)
),

by_category as (
    select day, 'category' as dimension, category as code, count(*) as deliveries,
        coalesce(sum(kg), 0) as kg
    from deliveries
    group by day, category
),

by_source as (
    select day, 'source' as dimension, source as code, count(*) as deliveries,
        coalesce(sum(kg), 0) as kg
    from deliveries
    group by day, source
),

final as (
    select day, dimension, code, deliveries, round(kg, 1) as kg
    from (select * from by_category union all select * from by_source) as split
    order by dimension, day, code nulls last
)

select * from final
