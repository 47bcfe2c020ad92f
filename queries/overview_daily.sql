-- The overview's numbers for each day of a window: households, seals, cases, fever,
-- deliveries, volunteers, medicine requests and vehicle trips.
-- Grain: one row per day from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $fever_c (fever threshold), $urgent_hours, $normal_hours (medicine targets).
-- A day's state is taken at its end (24:00). With a building filter, shifts count only
-- when they name a building in the filter; vehicle trips only when they serve one.
with

days as (
    select unnest(generate_series($date_from::date, $date_to::date, interval 1 day))::date as day
),

buildings as (
    select building, floors
    from buildings
    where compound = $compound
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], building))
),

households as (
    select households.building, households.floor
    from households
    join buildings using (building)
    where households.compound = $compound
),

sealed_floors as (
    -- the shared rule (sitrep/macros.sql): a whole-building seal seals every floor
    select * from sealed_floor_days($compound, $buildings, $date_from, $date_to)
),

seal_counts as (
    select
        sealed_floors.day,
        count(distinct sealed_floors.building) filter (where sealed_floors.is_whole_building)
            as sealed_buildings,
        count(distinct (sealed_floors.building, sealed_floors.floor)) as sealed_floors
    from sealed_floors
    group by sealed_floors.day
),

sealed_households as (
    select sealed.day, count(*) as sealed_households
    from (select distinct day, building, floor from sealed_floors) as sealed
    join households using (building, floor)
    group by sealed.day
),

case_events as (
    select case_events.case_id, case_events.event_seq, case_events.class, case_events.outcome,
        -- a class counts from its report date (an update without one: the case's first report);
        -- an outcome from its outcome date
        coalesce(case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as class_on,
        coalesce(case_events.outcome_on, case_events.reported_on, min(case_events.reported_on) over (
            partition by case_events.case_id)) as outcome_on
    from case_events
    join cases using (compound, case_id)
    join buildings on buildings.building = cases.building
    where case_events.compound = $compound
),

case_states as (
    -- each case's class and outcome as they stood at the end of each day (and the day before)
    select days.day, case_events.case_id,
        last(case_events.class order by case_events.event_seq)
            filter (where case_events.class is not null and case_events.class_on <= days.day) as class,
        last(case_events.outcome order by case_events.event_seq)
            filter (where case_events.outcome is not null and case_events.outcome_on <= days.day)
            as outcome
    from (select day from days union select $date_from::date - 1) as days
    join case_events on case_events.class_on <= days.day
    group by days.day, case_events.case_id
),

case_counts as (
    select day,
        count(*) filter (where class = 'confirmed') as confirmed_total,
        count(*) filter (where class = 'suspected' and coalesce(outcome, '') <> 'ruled_out')
            as suspected
    from case_states
    group by day
),

case_flow as (
    select days.day,
        coalesce(today.confirmed_total, 0) as confirmed_total,
        coalesce(today.confirmed_total, 0) - coalesce(yesterday.confirmed_total, 0) as confirmed_new,
        coalesce(today.suspected, 0) as suspected
    from days
    left join case_counts as today on today.day = days.day
    left join case_counts as yesterday on yesterday.day = days.day - 1
),

fever as (
    select screenings.date as day,
        count(*) filter (where screenings.max_temp_c >= $fever_c) as fever,
        count(distinct (screenings.building, screenings.room)) as households_screened
    from screenings
    join buildings using (building)
    where screenings.compound = $compound
        and screenings.date between $date_from::date and $date_to::date
    group by screenings.date
),

deliveries as (
    select deliveries.delivered_at::date as day, count(*) as deliveries,
        coalesce(sum(deliveries.kg), 0) as kg
    from deliveries
    join buildings using (building)
    where deliveries.compound = $compound
        and deliveries.delivered_at >= $date_from::date
        and deliveries.delivered_at < $date_to::date + 1
    group by 1
),

shifts as (
    -- one person per resolved ID (typed by name or by ID), else per text as typed
    select shifts.date as day,
        count(distinct coalesce(shifts.volunteer_id, shifts.volunteer)) as volunteers_on_duty,
        sum(shifts.hours) as volunteer_hours
    from shifts
    where shifts.compound = $compound
        and shifts.date between $date_from::date and $date_to::date
        and (len($buildings::varchar[]) = 0 or list_contains($buildings::varchar[], shifts.building))
    group by shifts.date
),

medicine as (
    select days.day,
        count(*) as medicine_open,
        count(*) filter (
            where medicine_requests.requested_at
                + to_hours(case when medicine_requests.urgency = 'urgent'
                                then $urgent_hours else $normal_hours end)
                < days.day + 1
        ) as medicine_overdue
    from days
    join medicine_requests
        on medicine_requests.requested_at < days.day + 1
        and medicine_requests.status <> 'cancelled'
        and (medicine_requests.fulfilled_at is null or medicine_requests.fulfilled_at >= days.day + 1)
    join buildings using (building)
    where medicine_requests.compound = $compound
    group by days.day
),

trips as (
    select vehicle_trips.departed_at::date as day, count(*) as trips
    from vehicle_trips
    where vehicle_trips.compound = $compound
        and vehicle_trips.departed_at >= $date_from::date
        and vehicle_trips.departed_at < $date_to::date + 1
        and (len($buildings::varchar[]) = 0
             or list_contains($buildings::varchar[], vehicle_trips.building))
    group by 1
),

final as (
    select
        days.day,
        (select count(*) from households) as households,
        coalesce(seal_counts.sealed_buildings, 0) as sealed_buildings,
        coalesce(seal_counts.sealed_floors, 0) as sealed_floors,
        coalesce(sealed_households.sealed_households, 0) as sealed_households,
        case_flow.confirmed_total,
        case_flow.confirmed_new,
        case_flow.suspected,
        coalesce(fever.fever, 0) as fever,
        coalesce(fever.households_screened, 0) as households_screened,
        coalesce(deliveries.deliveries, 0) as deliveries,
        round(coalesce(deliveries.kg, 0), 1) as kg,
        coalesce(shifts.volunteers_on_duty, 0) as volunteers_on_duty,
        round(coalesce(shifts.volunteer_hours, 0), 1) as volunteer_hours,
        coalesce(medicine.medicine_open, 0) as medicine_open,
        coalesce(medicine.medicine_overdue, 0) as medicine_overdue,
        coalesce(trips.trips, 0) as trips
    from days
    left join seal_counts using (day)
    left join sealed_households using (day)
    left join case_flow using (day)
    left join fever using (day)
    left join deliveries using (day)
    left join shifts using (day)
    left join medicine using (day)
    left join trips using (day)
    order by days.day
)

select * from final
