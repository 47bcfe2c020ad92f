-- How did the compounds in scope do together, day by day? Each day's figures summed across
-- the compounds that have data on that day. Reads the district view (sitrep/store/summary.py).
-- Grain: one row per day from $date_from to $date_to (a day no compound has data for: zeros).
-- Parameters: $compounds (the names in scope), $date_from, $date_to.
-- compounds: how many compounds the day's sums cover (their data spans differ). The columns
-- keep overview_daily's names, so the overview's cards and trends read this frame too.
with

calendar as (
    select day from day_range($date_from, $date_to)
),

days as (
    select * from district_days
    where list_contains($compounds, compound)
        and day between $date_from::date and $date_to::date
),

sums as (
    select
        day,
        count(*) as compounds,
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
),

final as (
    select
        calendar.day,
        coalesce(sums.compounds, 0)::bigint as compounds,
        coalesce(sums.households, 0)::bigint as households,
        coalesce(sums.sealed_buildings, 0)::bigint as sealed_buildings,
        coalesce(sums.sealed_floors, 0)::bigint as sealed_floors,
        coalesce(sums.sealed_households, 0)::bigint as sealed_households,
        coalesce(sums.confirmed_total, 0)::bigint as confirmed_total,
        coalesce(sums.confirmed_new, 0)::bigint as confirmed_new,
        coalesce(sums.suspected, 0)::bigint as suspected,
        coalesce(sums.fever, 0)::bigint as fever,
        coalesce(sums.households_screened, 0)::bigint as households_screened,
        coalesce(sums.not_screened, 0)::bigint as not_screened,
        coalesce(sums.deliveries, 0)::bigint as deliveries,
        coalesce(sums.kg, 0)::double as kg,
        coalesce(sums.volunteers_on_duty, 0)::bigint as volunteers_on_duty,
        coalesce(sums.volunteer_hours, 0)::double as volunteer_hours,
        coalesce(sums.medicine_open, 0)::bigint as medicine_open,
        coalesce(sums.medicine_overdue, 0)::bigint as medicine_overdue,
        coalesce(sums.trips, 0)::bigint as trips
    from calendar
    left join sums using (day)
    order by calendar.day
)

select * from final
