-- Collective workshops for a school year (issue 18): who each workshop gathers and how far its
-- families may live from its site, a child's own free time, the children oriented to each
-- workshop (orientations.csv) and the children's free time by school level (temps_libre.csv).
-- Same tables and columns as migrations/sqlite/0012_workshop_orientations.sql; only the types
-- differ. Conventions: 0001_territory.sql.

-- Who it gathers (`public`): `enfants`, `parents` or `familles` (parents with their children).
alter table workshop add column audience text not null default 'enfants'
    check (audience in ('enfants', 'parents', 'familles'));
-- Farthest a family may live from its site, road kilometres (`distance_max_km`); null for the
-- default of its scope (3 km local, 10 km intercommunal).
alter table workshop add column max_distance_km bigint
    check (max_distance_km between 1 and 50);

-- The child's own free time in school weeks (`temps_libre`): weekly windows, canonical text;
-- null for her school level's.
alter table child add column free_time text;

-- Orientation: a child oriented to a workshop by the EPS or her référent, one per pair.
create table orientation (
    orientation_id bigint generated always as identity primary key,
    child_id bigint not null references child (child_id),
    workshop_id bigint not null references workshop (workshop_id),
    -- Date of the orientation: the earlier, the longer she has waited.
    oriented_on date not null,
    -- The EPS marked her as a priority (`prioritaire`).
    priority boolean not null default false,
    -- Who oriented her (`origine`): `eps` or `referent`.
    source text not null check (source in ('eps', 'referent')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (child_id, workshop_id)
);

create index orientation_workshop_id on orientation (workshop_id);

-- Temps libre: when the children of one school level are free for a workshop, in school weeks
-- and in the school holidays (weekly windows, canonical text). A level without a row has the
-- built-in free time of docs/data-format.md.
create table free_time (
    level text primary key
        check (level in ('non_scolarise', 'maternelle', 'elementaire', 'college')),
    school_weeks text not null,
    holidays text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
