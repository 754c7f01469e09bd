-- A référent's absence on a day (issue 15): recorded by `parcours absence add` or
-- `plan --absent`, it holds for every later plan of its week, fresh or re-plan, until it is
-- lifted (the row is deleted). Same table and columns as migrations/sqlite/0008_absence.sql;
-- only the types differ. Conventions: 0001_territory.sql.
create table absence (
    absence_id bigint generated always as identity primary key,
    referent_id bigint not null references referent (referent_id),
    -- The local (Europe/Paris) date she does not work: the whole day is closed.
    absence_date date not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- Recording the same absence twice keeps one.
    unique (referent_id, absence_date)
);

create index absence_date on absence (absence_date);
