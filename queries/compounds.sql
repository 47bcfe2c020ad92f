-- Which compounds does the snapshot hold, and which dates may the dashboard show for each?
-- Grain: one row per compound. Parameters: $today, $margin_days, $fallback_days (the compound's
-- window of plausible dates: compound_window in queries/rules/compound_window.sql).
-- first_on/last_on: the first and last day of any dated record inside the window (the sidebar's
-- date bounds; a date typed outside it, in a snapshot from before the importer checked, never
-- widens them). range_from/range_to: the default trend range, the lockdown within those bounds.
with

compounds as (
    select * from compounds
),

windows as (
    select * from compound_window($today, $margin_days, $fallback_days)
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
    select record_days.compound, min(record_days.day) as first_on, max(record_days.day) as last_on
    from record_days
    join windows
        on windows.compound = record_days.compound
        and record_days.day between windows.window_from and windows.window_until
    group by record_days.compound
),

bounds as (
    select
        compounds.*,
        coalesce(spans.first_on, compounds.lockdown_from, $today::date) as first_on,
        coalesce(spans.last_on, compounds.lockdown_from, $today::date) as last_on
    from compounds
    left join spans using (compound)
),

final as (
    select
        compound,
        year,
        lockdown_from,
        lockdown_until,
        first_on,
        last_on,
        -- the lockdown (its last day is the day before the gate reopened) within the bounds
        greatest(coalesce(lockdown_from, first_on), first_on) as range_from,
        least(coalesce(lockdown_until - 1, last_on), last_on) as range_to,
        least(greatest(coalesce(default_as_of, last_on), first_on), last_on) as default_as_of
    from bounds
    order by compound
)

select * from final
