-- Which compounds need me today? One row per compound in scope with its figures at the end
-- (24:00) of the as-of day, the reasons it needs attention, and its place in "needs me
-- today" order. Reads the district view (sitrep/store/summary.py), not a snapshot.
-- Grain: one row per compound in $compounds that the store holds.
-- Parameters: $compounds (the names in scope), $as_of, $now (local time), $stale_hours,
--   $log_kinds (config.LOG_KINDS: the kinds whose freshness counts).
-- shown_on: the day the figures are of: the as-of day, or the compound's last data day when
--   its data ends before it (is_behind); null when its data starts after the as-of day.
-- The reasons, each a rule defined once elsewhere and carried in the summary:
--   has_new_cases     confirmed cases reported that day (overview_daily)
--   is_fever_alert    fever against the compound's own 7-day baseline (rules/fever_alert.sql)
--   medicine_overdue  requests overdue at 24:00 (needs-action rule 1)
--   not_screened      households no screening reached, lockdown days (needs-action rule 4)
--   is_stale          a daily log not imported for $stale_hours before $now (rules/is_stale.sql,
--                     the overview's rule), or no figures for the as-of day (is_behind)
-- state: 'action' (any of the first four), 'stale' (only the last), 'quiet'.
-- needs_rank orders "needs me today": most reasons first; then new cases, overdue requests,
-- households not screened, fever (most first); then by name.
with

compounds as (
    select * from district_compounds
    where list_contains($compounds, compound)
),

shown as (
    select compound,
        case when first_on <= $as_of::date then least($as_of::date, last_on) end as shown_on
    from compounds
),

days as (
    select district_days.*
    from district_days
    join shown
        on shown.compound = district_days.compound
        and shown.shown_on = district_days.day
),

freshness as (
    select compound,
        max(last_import_at) as last_import_at,
        count(*) filter (where is_stale(last_import_at, $now, $stale_hours)) as stale_kinds
    from district_freshness
    where list_contains($compounds, compound)
        and list_contains($log_kinds, kind)
    group by compound
),

figures as (
    select
        compounds.compound,
        compounds.district,
        compounds.street,
        compounds.is_synthetic,
        compounds.lat,
        compounds.lon,
        compounds.grid_cell,
        compounds.first_on,
        compounds.last_on,
        shown.shown_on,
        compounds.households,
        days.sealed_buildings,
        days.sealed_floors,
        days.sealed_households,
        days.confirmed_total,
        days.confirmed_new,
        days.suspected,
        days.fever,
        days.fever_baseline,
        coalesce(days.is_fever_alert, false) as is_fever_alert,
        days.not_screened,
        days.medicine_overdue,
        days.deliveries,
        days.volunteer_hours,
        freshness.last_import_at,
        coalesce(shown.shown_on < $as_of::date, false) or shown.shown_on is null as is_behind,
        coalesce(freshness.stale_kinds, 0) > 0 as has_stale_kinds
    from compounds
    join shown using (compound)
    left join days using (compound)
    left join freshness using (compound)
),

reasons as (
    select *,
        coalesce(confirmed_new, 0) > 0 as has_new_cases,
        has_stale_kinds or is_behind as is_stale,
        (coalesce(confirmed_new, 0) > 0)::integer + is_fever_alert::integer
            + (coalesce(medicine_overdue, 0) > 0)::integer
            + (coalesce(not_screened, 0) > 0)::integer as action_reasons
    from figures
),

final as (
    select *,
        action_reasons + is_stale::integer as reasons,
        case when action_reasons > 0 then 'action' when is_stale then 'stale' else 'quiet' end as state,
        row_number() over (
            order by action_reasons + is_stale::integer desc, coalesce(confirmed_new, 0) desc,
                coalesce(medicine_overdue, 0) desc, coalesce(not_screened, 0) desc,
                coalesce(fever, 0) desc, compound
        )::integer as needs_rank
    from reasons
    order by needs_rank
)

select * from final
