-- Collective workshops for a school year (issue 18): who each workshop gathers and how far its
-- families may live from its site, a child's own free time, the children oriented to each
-- workshop (orientations.csv) and the children's free time by school level (temps_libre.csv).
-- Same tables and columns as migrations/postgres/0012_workshop_orientations.sql; only the types
-- differ. Conventions: 0001_territory.sql.

-- Who it gathers (`public`): `enfants`, `parents` or `familles` (parents with their children).
alter table workshop add column audience text not null default 'enfants'
    check (audience in ('enfants', 'parents', 'familles'));
-- Farthest a family may live from its site, road kilometres (`distance_max_km`); null for the
-- default of its scope (3 km local, 10 km intercommunal).
alter table workshop add column max_distance_km integer
    check (max_distance_km between 1 and 50);

-- The child's own free time in school weeks (`temps_libre`): weekly windows, canonical text;
-- null for her school level's.
alter table child add column free_time text;

-- Orientation: a child oriented to a workshop by the EPS or her référent, one per pair.
create table orientation (
    orientation_id integer primary key,
    child_id integer not null references child (child_id),
    workshop_id integer not null references workshop (workshop_id),
    -- Date of the orientation: the earlier, the longer she has waited.
    oriented_on text not null,
    -- The EPS marked her as a priority (`prioritaire`).
    priority integer not null default 0 check (priority in (0, 1)),
    -- Who oriented her (`origine`): `eps` or `referent`.
    source text not null check (source in ('eps', 'referent')),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    unique (child_id, workshop_id)
) strict;

create index orientation_workshop_id on orientation (workshop_id);

-- Temps libre: when the children of one school level are free for a workshop, in school weeks
-- and in the school holidays (weekly windows, canonical text). A level without a row has the
-- built-in free time of docs/data-format.md.
create table free_time (
    level text primary key
        check (level in ('non_scolarise', 'maternelle', 'elementaire', 'college')),
    school_weeks text not null,
    holidays text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;
