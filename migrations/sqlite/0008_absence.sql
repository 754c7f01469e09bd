-- A référent's absence on a day (issue 15): recorded by `parcours absence add` or
-- `plan --absent`, it holds for every later plan of its week, fresh or re-plan, until it is
-- lifted (the row is deleted). Same table and columns as migrations/postgres/0008_absence.sql;
-- only the types differ. Conventions: 0001_territory.sql.
create table absence (
    absence_id integer primary key,
    referent_id integer not null references referent (referent_id),
    -- The local (Europe/Paris) date she does not work, `YYYY-MM-DD`: the whole day is closed.
    absence_date text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- Recording the same absence twice keeps one.
    unique (referent_id, absence_date)
) strict;

create index absence_date on absence (absence_date);
