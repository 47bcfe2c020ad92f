-- What needs action on the as-of day (the briefing's "needs action today"): how many, and in
-- which building, never who.
-- Grain: one row per rule and building with a count above zero at the end (24:00) of $as_of,
-- ranked: rules in a fixed order of urgency (rule_rank), then buildings by count
-- (building_rank); rule_total and rule_buildings give each rule's sum and number of rows,
-- for "and N more buildings". Fatigue has one row with building null: a volunteer is not
-- tied to one building (with a building filter, only shifts naming one of them count).
-- Parameters: $compound, $buildings (empty list = all), $as_of, $urgent_hours, $normal_hours
--   (medicine targets), $gap_hours (delivery gap), $day_hours, $days_without_rest,
--   $week_hours (fatigue limits).
-- Each rule is a shared rule (queries/rules/), the one the page that owns the question uses:
--   1 medicine_overdue    requests overdue at 24:00 (medicine_request_states)
--   2 delivery_gap        sealed households no delivery reached in the last $gap_hours hours
--                         (delivery_gap)
--   3 guard_gap           entrances of a building with no guard shift on $as_of, lockdown days
--                         only (guard_coverage)
--   4 not_screened        register households with no screening on $as_of, lockdown days only
--                         (household_records, lockdown_days)
--   5 fatigue             volunteers past a fatigue limit (volunteer_fatigue)
--   6 seal_ends_tomorrow  sealed floors whose seal ends on $as_of + 1 (seal_floors: a
--                         whole-building seal, every floor)
with

-- 1 medicine requests overdue
medicine_overdue as (
    select building, count(*) as n
    from medicine_request_states($compound, $buildings, $as_of, $as_of,
                                 $urgent_hours, $normal_hours)
    where is_overdue
    group by building
),

-- 2 sealed households not reached by a delivery
delivery_gap as (
    select building, count(*) as n
    from delivery_gap($compound, $buildings, $as_of, $gap_hours)
    where not is_reached
    group by building
),

-- 3 entrances without a guard (guard_coverage has lockdown days only)
guard_gap as (
    select building, entrances as n
    from guard_coverage($compound, $buildings, $as_of, $as_of)
    where not is_covered
),

-- 4 households not screened, on a lockdown day
screened as (
    select building, unit, room, count(screened_on) as screenings
    from household_records($compound, $buildings, $as_of, $as_of)
    group by building, unit, room
),

not_screened as (
    select screened.building, count(*) as n
    from screened
    cross join lockdown_days($compound, $as_of, $as_of)
    where screened.screenings = 0
    group by screened.building
),

-- 5 volunteers past a fatigue limit
fatigue as (
    select null::varchar as building, count(*) as n
    from volunteer_fatigue($compound, $buildings, $as_of, $day_hours, $days_without_rest,
                           $week_hours)
    where is_fatigued
    having count(*) > 0
),

-- 6 floors whose seal ends tomorrow
seal_ends_tomorrow as (
    select building, count(distinct floor) as n
    from seal_floors($compound, $buildings, $as_of, $as_of)
    where sealed_until = $as_of::date + 1
    group by building
),

rules as (
    select 1 as rule_rank, 'medicine_overdue' as rule, building, n from medicine_overdue
    union all select 2, 'delivery_gap', building, n from delivery_gap
    union all select 3, 'guard_gap', building, n from guard_gap
    union all select 4, 'not_screened', building, n from not_screened
    union all select 5, 'fatigue', building, n from fatigue
    union all select 6, 'seal_ends_tomorrow', building, n from seal_ends_tomorrow
),

ranked as (
    select rule_rank, rule, building, n as count,
        row_number() over (
            partition by rule
            -- most first; then A2 before A10: letters, then the number
            order by n desc, regexp_extract(building, '^[A-Z]+'),
                try_cast(regexp_extract(building, '\d+$') as integer), building
        ) as building_rank,
        sum(n) over (partition by rule) as rule_total,
        count(*) over (partition by rule) as rule_buildings
    from rules
    where n > 0
),

final as (
    select rule_rank, rule, building, count::integer as count, building_rank::integer as building_rank,
        rule_total::integer as rule_total, rule_buildings::integer as rule_buildings
    from ranked
    order by rule_rank, building_rank
)

select * from final
