-- The territory's calendar (issue 14), imported like every record instead of compiled into the
-- binary: the territory's school-holiday zone (territoire.csv), public holidays
-- (jours_feries.csv) and the school holidays of each zone (vacances_scolaires.csv). Same tables
-- and columns as migrations/sqlite/0006_calendar.sql; only the types differ. Conventions:
-- 0001_territory.sql.

-- The territory as a whole: one row at most, the one line of territoire.csv, which a new import
-- replaces.
create table territory (
    territory_id bigint primary key check (territory_id = 1),
    -- The PRE's name.
    name text not null,
    -- School-holiday zone its schools follow: `A`, `B` or `C`.
    school_zone text not null check (school_zone in ('A', 'B', 'C')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- Jour férié. An import of jours_feries.csv replaces the public holidays of each year it lists
-- (a year is known to the planning when it has one at least).
create table public_holiday (
    public_holiday_id bigint generated always as identity primary key,
    holiday_date date not null unique,
    name text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- School holidays of one zone. An import of vacances_scolaires.csv replaces the holidays of each
-- zone it lists; the holidays of one zone do not overlap (checked by the import).
create table school_holiday (
    school_holiday_id bigint generated always as identity primary key,
    -- `A`, `B` or `C`.
    zone text not null check (zone in ('A', 'B', 'C')),
    label text not null,
    -- First day without classes.
    start_date date not null,
    -- The day classes resume, itself a school day: the holidays are the days before it.
    resume_date date not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (zone, start_date),
    check (resume_date > start_date)
);
