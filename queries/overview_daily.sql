-- The overview's numbers for each day of a window: households, seals, cases, fever,
-- deliveries, volunteers, medicine requests and vehicle trips.
-- Grain: one row per day from $date_from to $date_to.
-- Parameters: $compound, $buildings (empty list = all), $date_from, $date_to,
--   $fever_c (fever threshold), $urgent_hours, $normal_hours (medicine targets).
-- A day's state is taken at its end (24:00). Every number is a shared rule (queries/rules/):
-- seal counts, case counts, fever, shifts and trips in scope, medicine
-- request states.
with

days as (
    select day from day_range($date_from, $date_to)
),

households as (
    select count(*) as households
    from scoped_households($compound, $buildings)
),

seals as (
    select day, sealed_buildings, sealed_floors, sealed_households
    from seal_counts_daily($compound, $buildings, $date_from, $date_to)
),

cases as (
    select day, confirmed_total, confirmed_new, suspected
    from case_counts_daily($compound, $buildings, $date_from, $date_to)
),

fever as (
    select day,
        count(*) filter (where has_fever(max_temp_c, $fever_c)) as fever,
        count(distinct (building, room)) as households_screened
    from screenings_in_scope($compound, $buildings, $date_from, $date_to)
    group by day
),

deliveries as (
    select day, count(*) as deliveries, coalesce(sum(kg), 0) as kg
    from deliveries_in_scope($compound, $buildings, $date_from, $date_to)
    group by day
),

shifts as (
    select day,
        count(distinct volunteer_key) as volunteers_on_duty,
        sum(hours) as volunteer_hours
    from shifts_in_scope($compound, $buildings, $date_from, $date_to)
    group by day
),

medicine as (
    select day,
        count(*) filter (where is_unfinished) as medicine_open,
        count(*) filter (where is_overdue) as medicine_overdue
    from medicine_request_states($compound, $buildings, $date_from, $date_to,
                                 $urgent_hours, $normal_hours)
    group by day
),

trips as (
    select day, count(*) as trips
    from trips_in_scope($compound, $buildings, $date_from, $date_to)
    group by day
),

final as (
    select
        days.day,
        households.households,
        seals.sealed_buildings,
        seals.sealed_floors,
        seals.sealed_households,
        cases.confirmed_total,
        cases.confirmed_new,
        cases.suspected,
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
    cross join households
    left join seals using (day)
    left join cases using (day)
    left join fever using (day)
    left join deliveries using (day)
    left join shifts using (day)
    left join medicine using (day)
    left join trips using (day)
    order by days.day
)

select * from final
