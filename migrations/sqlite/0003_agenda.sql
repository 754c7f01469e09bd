-- Référents' fixed engagements (agenda.csv) and families whose référent is fixed (familles.csv
-- `referent_fixe`), for the weekly planning. Same tables and columns as
-- migrations/postgres/0003_agenda.sql; only the types differ. Conventions: 0001_territory.sql.

-- Référent fixé: the team has decided the family keeps its current référent, so the assignment
-- never moves it; only a family that has a référent can be pinned.
alter table family add column referent_pinned integer not null default 0
    check (referent_pinned in (0, 1) and (referent_pinned = 0 or referent_id is not null));

-- Engagement d'agenda: an hour of a référent's coming weeks that is already taken (team
-- meeting, EPS, workshop session, training, personal appointment), which the rota plans
-- around, or a visit to a family fixed at that hour, which the rota keeps exactly then.
-- Upserted by code like every record: an import never deletes an entry it does not list.
create table agenda_entry (
    agenda_entry_id integer primary key,
    code text not null unique,
    referent_id integer not null references referent (referent_id),
    -- `reunion_equipe`, `eps`, `atelier`, `formation`, `personnel` or `visite`. A personal
    -- appointment only blocks the time: it is never published.
    kind text not null,
    -- Start, UTC instant (entered in Europe/Paris local time).
    start_at text not null,
    -- Length in minutes.
    duration_min integer not null check (duration_min >= 0),
    -- Neutral site where it takes place; null for at the référent's base, or, for a visit, at
    -- the family's usual meeting place (home or its site).
    neutral_site_id integer references neutral_site (neutral_site_id),
    -- The family of a fixed visit: set exactly when `kind` is `visite`.
    family_id integer references family (family_id),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    check ((kind = 'visite') = (family_id is not null)),
    check (kind <> 'visite' or neutral_site_id is null)
) strict;

create index agenda_entry_referent_id on agenda_entry (referent_id);
create index agenda_entry_family_id on agenda_entry (family_id);
