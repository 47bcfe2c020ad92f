-- The snapshot's tables: one per contract kind (English column names), plus update
-- histories, rejected rows and the import history. Every table carries `compound`.
-- `import_id` says which import loaded a row; `row_hash` identifies its parsed values
-- (a row with a hash already loaded is a duplicate).

create table if not exists compounds (
    compound varchar primary key,
    year integer,                 -- the year for dates typed without one (2月10日)
    lockdown_from date,           -- the compound gate closed (全封闭管理)
    lockdown_until date,          -- the compound reopened; null = still closed
    default_as_of date,           -- the date a first look lands on; null = latest data
    window_margin_days integer    -- dates are plausible from the lockdown start (else 1 January of
                                  -- the year) minus this many days; null = the contract's default
);
-- (a snapshot made before the column existed gets it on its next import)
alter table compounds add column if not exists window_margin_days integer;

create table if not exists buildings (
    compound varchar not null, building varchar not null, floors integer not null,
    units integer, households_per_floor integer,
    x_m double, y_m double, width_m double, depth_m double,
    import_id integer, row_hash varchar
);

create table if not exists households (
    compound varchar not null, building varchar not null, unit varchar,
    floor integer not null, room varchar not null, residents integer,
    vulnerable varchar[], phone varchar,
    import_id integer, row_hash varchar
);

create table if not exists volunteers (
    compound varchar not null, volunteer_id varchar not null, name varchar not null,
    kind varchar not null, "group" varchar not null, task_force boolean,
    joined_on date, phone varchar, home varchar,
    import_id integer, row_hash varchar
);

create table if not exists shifts (
    compound varchar not null, date date not null, volunteer varchar not null,
    volunteer_id varchar, start timestamp not null, "end" timestamp not null,
    hours double not null, task varchar not null, building varchar,
    import_id integer, row_hash varchar
);

create table if not exists deliveries (
    compound varchar not null, delivered_at timestamp not null,
    building varchar not null, unit varchar, floor integer not null, room varchar not null,
    category varchar not null, quantity double, qty_unit varchar, kg double,
    source varchar, volunteer varchar, volunteer_id varchar,
    import_id integer, row_hash varchar
);

create table if not exists medicine_requests (
    compound varchar not null, request_id varchar not null, requested_at timestamp not null,
    building varchar not null, unit varchar, floor integer not null, room varchar not null,
    medicine varchar not null, condition varchar, urgency varchar not null,
    hospital varchar, status varchar not null, fulfilled_at timestamp,
    handler varchar, volunteer_id varchar, patient varchar,
    import_id integer, row_hash varchar
);

create table if not exists medicine_request_events (
    compound varchar not null, request_id varchar not null, requested_at timestamp,
    building varchar, unit varchar, floor integer, room varchar,
    medicine varchar, condition varchar, urgency varchar,
    hospital varchar, status varchar, fulfilled_at timestamp,
    handler varchar, volunteer_id varchar, patient varchar,
    event_seq bigint not null, import_id integer, row_hash varchar
);

create table if not exists screenings (
    compound varchar not null, date date not null,
    building varchar not null, unit varchar, floor integer not null, room varchar not null,
    persons_checked integer, max_temp_c double, symptoms varchar[],
    disposition varchar, screener varchar, volunteer_id varchar,
    import_id integer, row_hash varchar
);

create table if not exists cases (
    compound varchar not null, case_id varchar not null,
    building varchar not null, unit varchar, floor integer not null, room varchar not null,
    class varchar not null, reported_on date not null, outcome varchar, outcome_on date,
    import_id integer, row_hash varchar
);

create table if not exists case_events (
    compound varchar not null, case_id varchar not null,
    building varchar, unit varchar, floor integer, room varchar,
    class varchar, reported_on date, outcome varchar, outcome_on date,
    event_seq bigint not null, import_id integer, row_hash varchar
);

create table if not exists seals (
    compound varchar not null, building varchar not null, floor integer,
    sealed_from date not null, sealed_until date, reason varchar,
    import_id integer, row_hash varchar
);

create table if not exists seal_events (
    compound varchar not null, building varchar not null, floor integer,
    sealed_from date not null, sealed_until date, reason varchar,
    event_seq bigint not null, import_id integer, row_hash varchar
);

create table if not exists vehicle_trips (
    compound varchar not null, departed_at timestamp not null, returned_at timestamp,
    building varchar, unit varchar, floor integer, room varchar,
    purpose varchar not null, destination varchar, driver varchar, volunteer_id varchar,
    import_id integer, row_hash varchar
);

create table if not exists rejected_rows (
    compound varchar not null, import_id integer not null, file varchar not null,
    sheet varchar, row_number integer, kind varchar, "column" varchar, value varchar,
    reason_code varchar not null, reason_zh varchar not null, reason_en varchar not null,
    raw varchar
);

create table if not exists import_history (
    import_id integer not null, compound varchar not null, imported_at timestamp not null,
    command varchar, file varchar not null, file_hash varchar, sheet varchar,
    kind varchar, rows_read integer not null, accepted integer not null,
    rejected integer not null, duplicates integer not null, refused varchar
);
