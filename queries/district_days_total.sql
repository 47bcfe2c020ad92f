-- How did the compounds in scope do together, day by day? Each day's figures summed across
-- the compounds that have data on that day. Reads the district view (sitrep/store/summary.py).
-- Grain: one row per day from $date_from to $date_to (days no compound has are left out).
-- Parameters: $compounds (the names in scope), $date_from, $date_to.
-- compounds: how many compounds the day's sums cover (their data spans differ). The columns
-- keep overview_daily's names, so the overview's cards and trends read this frame too.
with

days as (
    select * from district_days
    where list_contains($compounds, compound)
        and day between $date_from::date and $date_to::date
),

final as (
    select
        day,
        count(*)::bigint as compounds,
        sum(households)::bigint as households,
        sum(sealed_buildings)::bigint as sealed_buildings,
        sum(sealed_floors)::bigint as sealed_floors,
        sum(sealed_households)::bigint as sealed_households,
        sum(confirmed_total)::bigint as confirmed_total,
        sum(confirmed_new)::bigint as confirmed_new,
        sum(suspected)::bigint as suspected,
        sum(fever)::bigint as fever,
        sum(households_screened)::bigint as households_screened,
        sum(not_screened)::bigint as not_screened,
        sum(deliveries)::bigint as deliveries,
        sum(kg)::double as kg,
        sum(volunteers_on_duty)::bigint as volunteers_on_duty,
        sum(volunteer_hours)::double as volunteer_hours,
        sum(medicine_open)::bigint as medicine_open,
        sum(medicine_overdue)::bigint as medicine_overdue,
        sum(trips)::bigint as trips
    from days
    group by day
    order by day
)

select * from final
