-- What needs action today? The briefing's short list: how many, and in which building,
-- never who.
-- Grain: one row per rule and building with a count above zero at the end (24:00) of $as_of,
-- ranked: rules in a fixed order of urgency (rule_rank), then buildings by count
-- (building_rank); rule_total and rule_buildings give each rule's sum and number of rows,
-- for "and N more buildings". Fatigue has one row with building null: a volunteer is not
-- tied to one building (with a building filter, only shifts naming one of them count).
-- Parameters: $compound, $buildings (empty list = all), $as_of, $urgent_hours, $normal_hours
--   (medicine targets), $gap_hours (delivery gap), $day_hours, $days_without_rest,
--   $week_hours (fatigue limits).
-- Each rule is the one used on the page that owns the question:
--   1 medicine_overdue    requests overdue at 24:00 (overview_daily's medicine_overdue)
--   2 delivery_gap        sealed households no delivery reached in the last $gap_hours hours
--                         (deliveries_gap_by_building)
--   3 guard_gap           entrances of a building with no guard shift on $as_of, lockdown days
--                         only (volunteers_guard_coverage_by_building_day)
--   4 not_screened        register households with no screening on $as_of, lockdown days only
--                         (matched by building and room number, as deliveries are)
--   5 fatigue             volunteers past a fatigue limit (volunteers_fatigue)
--   6 seal_ends_tomorrow  sealed floors whose seal ends on $as_of + 1 (a whole-building seal:
--                         every floor)
with

compounds as (
    select lockdown_from, lockdown_until
    from compounds
    where compound = $compound
),

lockdown_day as (
    -- one row when $as_of is a day of the compound's lockdown (every day without a lockdown date)
    select 1 as is_lockdown_day
    from compounds
    where (compounds.lockdown_from is null or $as_of::date >= compounds.lockdown_from)
        and (compounds.lockdown_until is null or $as_of::date < compounds.lockdown_until)
),

buildings as (
    select building, floors, coalesce(units, 1) as entrances
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

households as (
    select households.building, households.unit, households.floor,
        try_cast(households.room as integer) as room_number
    from households
    join buildings using (building)
    where households.compound = $compound
),

seals as (
    -- seals active on $as_of
    select seals.building, seals.floor, seals.sealed_until
    from seals
    join buildings using (building)
    where seals.compound = $compound
        and seals.sealed_from <= $as_of::date
        and (seals.sealed_until is null or $as_of::date < seals.sealed_until)
),

-- 1 medicine requests overdue
medicine_overdue as (
    select medicine_requests.building, count(*) as n
    from medicine_requests
    join buildings using (building)
    where medicine_requests.compound = $compound
        and medicine_requests.requested_at < $as_of::date + 1
        and medicine_requests.status <> 'cancelled'
        and (medicine_requests.fulfilled_at is null
             or medicine_requests.fulfilled_at >= $as_of::date + 1)
        and medicine_requests.requested_at
            + to_hours(case when medicine_requests.urgency = 'urgent'
                            then $urgent_hours else $normal_hours end)
            < $as_of::date + 1
    group by medicine_requests.building
),

-- 2 sealed households not reached by a delivery
sealed_households as (
    select households.*
    from households
    where exists (
        select 1
        from seals
        where seals.building = households.building
            and (seals.floor is null or seals.floor = households.floor)
    )
),

recent_deliveries as (
    select deliveries.building, deliveries.unit,
        try_cast(deliveries.room as integer) as room_number
    from deliveries
    join buildings using (building)
    where deliveries.compound = $compound
        and deliveries.delivered_at >= $as_of::date + 1 - to_hours($gap_hours::integer)
        and deliveries.delivered_at < $as_of::date + 1
),

delivery_gap as (
    select sealed_households.building, count(*) as n
    from sealed_households
    where not exists (
        select 1
        from recent_deliveries
        where recent_deliveries.building = sealed_households.building
            and recent_deliveries.room_number = sealed_households.room_number
            and (recent_deliveries.unit is null or sealed_households.unit is null
                 or recent_deliveries.unit = sealed_households.unit)
    )
    group by sealed_households.building
),

-- 3 entrances without a guard
guarded_buildings as (
    select distinct shifts.building
    from shifts
    where shifts.compound = $compound
        and shifts.task = 'guard'
        and shifts.date = $as_of::date
),

guard_gap as (
    select buildings.building, buildings.entrances as n
    from buildings
    cross join lockdown_day
    where buildings.building not in (select building from guarded_buildings where building is not null)
),

-- 4 households not screened
screened_today as (
    select screenings.building, screenings.unit,
        try_cast(screenings.room as integer) as room_number
    from screenings
    join buildings using (building)
    where screenings.compound = $compound
        and screenings.date = $as_of::date
),

not_screened as (
    select households.building, count(*) as n
    from households
    cross join lockdown_day
    where not exists (
        select 1
        from screened_today
        where screened_today.building = households.building
            and screened_today.room_number = households.room_number
            and (screened_today.unit is null or households.unit is null
                 or screened_today.unit = households.unit)
    )
    group by households.building
),

-- 5 volunteers past a fatigue limit (volunteers_fatigue.sql, counted instead of listed)
shifts as (
    select shifts.date as day, coalesce(shifts.volunteer_id, shifts.volunteer) as volunteer_key,
        shifts.hours
    from shifts
    where shifts.compound = $compound
        and shifts.date <= $as_of::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
),

days_worked as (
    select volunteer_key, day, sum(hours) as hours
    from shifts
    group by volunteer_key, day
),

islands as (
    -- consecutive days share an island: the day minus its rank is constant along a run
    select volunteer_key, day,
        day - cast(row_number() over (partition by volunteer_key order by day) as integer) as island
    from days_worked
),

streaks as (
    select islands.volunteer_key, count(*) as days_in_a_row
    from islands
    join islands as today
        on today.volunteer_key = islands.volunteer_key
        and today.island = islands.island
        and today.day = $as_of::date
    group by islands.volunteer_key
),

week as (
    select volunteer_key, sum(hours) as week_hours
    from days_worked
    where day > $as_of::date - 7
    group by volunteer_key
),

today as (
    select volunteer_key, hours as day_hours
    from days_worked
    where day = $as_of::date
),

fatigue as (
    select null::varchar as building, count(*) as n
    from week
    left join today using (volunteer_key)
    left join streaks using (volunteer_key)
    where coalesce(today.day_hours, 0) >= $day_hours
        or coalesce(streaks.days_in_a_row, 0) >= $days_without_rest
        or week.week_hours >= $week_hours
    having count(*) > 0
),

-- 6 floors whose seal ends tomorrow
seal_ends_tomorrow as (
    select seals.building, count(distinct coalesce(seals.floor, floor_numbers.floor)) as n
    from seals
    join buildings using (building)
    cross join lateral (
        select unnest(generate_series(1, buildings.floors)) as floor
    ) as floor_numbers
    where seals.sealed_until = $as_of::date + 1
        and (seals.floor is null or floor_numbers.floor = seals.floor)
    group by seals.building
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
