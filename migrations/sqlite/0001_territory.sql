-- The territory: every record a PRE team keeps, as imported from the coordinators'
-- spreadsheets (docs/data-format.md). Same tables and columns as
-- migrations/postgres/0001_territory.sql; only the types differ.
--
-- Conventions:
-- - every record table has a unique `code`, the key the import upserts by (the INSEE code for a
--   commune); references are foreign keys to `<table>_id`, resolved from codes by the store;
-- - instants are TEXT in UTC (RFC 3339), dates TEXT `YYYY-MM-DD`, coordinates REAL decimal
--   degrees (WGS84), booleans INTEGER 0/1;
-- - keywords (levels, kinds, statuses…) are stored as their canonical French keyword, the `key()`
--   of the domain enum;
-- - weekly windows are stored as their canonical text, the `Display` of `WeeklyAvailability`
--   (`lundi 09:00-12:00 14:00-17:00, mercredi 14:00-18:00`): they are small and always loaded
--   with their owner;
-- - `created_at` is when the store first wrote the row, `updated_at` when an import last changed
--   it (an import that finds a record unchanged does not write it).

create table commune (
    commune_id integer primary key,
    -- INSEE code (`59606`).
    code text not null unique,
    name text not null,
    latitude real not null,
    longitude real not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

create table qpv (
    qpv_id integer primary key,
    code text not null unique,
    name text not null,
    commune_id integer not null references commune (commune_id),
    -- Centre of the quartier.
    latitude real not null,
    longitude real not null,
    -- Approximate radius in metres, for maps and for placing synthetic families.
    radius_m integer not null check (radius_m >= 0),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

create table school (
    school_id integer primary key,
    -- UAI or local code.
    code text not null unique,
    name text not null,
    -- `maternelle`, `elementaire`, `primaire` or `college`.
    level text not null,
    -- Éducation prioritaire network: `rep`, `rep+`, or null for none.
    priority text,
    commune_id integer not null references commune (commune_id),
    -- Groupe scolaire name, free text, used by sector criteria `groupe:<name>`.
    school_group text,
    latitude real not null,
    longitude real not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

-- Lieu neutre: where a family can be met away from home, where EPS meet and workshops run.
create table neutral_site (
    neutral_site_id integer primary key,
    code text not null unique,
    name text not null,
    -- `centre_social`, `mediatheque`, `ecole`, `mairie` or `autre`.
    kind text not null,
    commune_id integer not null references commune (commune_id),
    latitude real not null,
    longitude real not null,
    -- Weekly windows, canonical text.
    opening_hours text not null,
    -- People it holds at once.
    capacity integer not null check (capacity >= 0),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

-- Coordinatrice de territoire.
create table coordinator (
    coordinator_id integer primary key,
    code text not null unique,
    -- Display name.
    name text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

-- The communes a coordinator coordinates.
create table coordinator_commune (
    coordinator_id integer not null references coordinator (coordinator_id) on delete cascade,
    commune_id integer not null references commune (commune_id),
    -- Rank in the coordinator's list, from 0, so the list loads back in the order it was given.
    position integer not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    primary key (coordinator_id, commune_id)
) strict;

-- Référent de parcours.
create table referent (
    referent_id integer primary key,
    code text not null unique,
    -- Display name.
    name text not null,
    -- Commune of the home base.
    commune_id integer not null references commune (commune_id),
    -- Home base: where her day starts and ends.
    latitude real not null,
    longitude real not null,
    -- Weekly windows, canonical text.
    working_hours text not null,
    -- Working time in percent of full time (100 = full time).
    working_time_pct integer not null check (working_time_pct >= 0),
    -- Lunch break: the window it may be taken in (`12:00-14:00`) and its length; both or neither.
    lunch_window text,
    lunch_min integer check (lunch_min >= 0),
    -- Target and maximum caseload, in families.
    target_caseload integer not null check (target_caseload >= 0),
    max_caseload integer not null check (max_caseload >= 0),
    -- Sector criteria, comma-joined canonical text (`commune:59606, niveau:college`); empty for
    -- the whole territory.
    sectors text not null,
    -- Languages besides French, comma-joined ISO 639 codes (`ar, tr`); empty for none.
    languages text not null,
    -- `voiture`, `transports`, `velo` or `pied`.
    travel_mode text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    check ((lunch_window is null) = (lunch_min is null))
) strict;

-- Famille: the visit unit, identified by a pseudonymous code, never a name.
create table family (
    family_id integer primary key,
    -- Pseudonymous code (`F-0001`).
    code text not null unique,
    commune_id integer not null references commune (commune_id),
    qpv_id integer references qpv (qpv_id),
    -- Home, or a point of the street.
    latitude real not null,
    longitude real not null,
    -- When the family can be visited: weekly windows, canonical text.
    availability text not null,
    -- Neutral site where the family prefers to be met; null for at home.
    meeting_site_id integer references neutral_site (neutral_site_id),
    -- Language the visit needs, ISO 639 code (`fr`).
    language text not null,
    -- Current référent and since when; both or neither.
    referent_id integer references referent (referent_id),
    referent_since text,
    -- `hebdomadaire`, `quinzaine` or `mensuelle`.
    frequency text not null,
    last_visit text,
    -- Visit length in minutes.
    visit_min integer not null check (visit_min >= 0),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    check ((referent_id is null) = (referent_since is null))
) strict;

create index family_referent_id on family (referent_id);

-- Enfant: the reporting unit, identified by a pseudonymous code.
create table child (
    child_id integer primary key,
    -- Pseudonymous code (`E-0001`).
    code text not null unique,
    family_id integer not null references family (family_id),
    -- Age in years (2–16).
    age integer not null check (age >= 0),
    school_id integer references school (school_id),
    -- Class keyword (`cp`, `6e`…), null when not given.
    class text,
    -- Parcours status: `oriente`, `examine_eps`, `contrat_signe`, `suivi_actif` or `sorti`.
    status text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

create index child_family_id on child (family_id);

-- Partner professional, member of one or more EPS.
create table professional (
    professional_id integer primary key,
    code text not null unique,
    -- Display name.
    name text not null,
    -- What she does (`enseignante`, `infirmière scolaire`…), free text.
    function text not null,
    -- Institution (`Éducation nationale`, `PMI`…), free text.
    institution text,
    -- When she can attend meetings: weekly windows, canonical text.
    availability text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

-- Équipe pluridisciplinaire de soutien.
create table eps (
    eps_id integer primary key,
    code text not null unique,
    name text not null,
    -- Commune of the quartier.
    commune_id integer not null references commune (commune_id),
    qpv_id integer references qpv (qpv_id),
    -- Coordinator who leads it.
    coordinator_id integer not null references coordinator (coordinator_id),
    -- Usual meeting site.
    neutral_site_id integer references neutral_site (neutral_site_id),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

create table eps_member (
    eps_id integer not null references eps (eps_id) on delete cascade,
    professional_id integer not null references professional (professional_id),
    -- Rank in the EPS's member list, from 0, so the list loads back in the order it was given.
    position integer not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    primary key (eps_id, professional_id)
) strict;

create index eps_member_professional_id on eps_member (professional_id);

-- Action collective (fiche-action).
create table workshop (
    workshop_id integer primary key,
    code text not null unique,
    theme text not null,
    -- `intercommunal` or `local`.
    scope text not null,
    -- Commune of a local workshop; null for an intercommunal one.
    commune_id integer references commune (commune_id),
    -- Sessions in the cycle and length of one, in minutes.
    sessions integer not null check (sessions >= 0),
    session_min integer not null check (session_min >= 0),
    -- Smallest and largest group.
    group_min integer not null check (group_min >= 0),
    group_max integer not null check (group_max >= 0),
    -- Children's age range, in years.
    age_min integer not null check (age_min >= 0),
    age_max integer not null check (age_max >= 0),
    -- Facilitator: a professional or a référent, exactly one of the two.
    facilitator_professional_id integer references professional (professional_id),
    facilitator_referent_id integer references referent (referent_id),
    -- Preferred times: weekly windows, canonical text.
    preferred_times text not null,
    -- `scolaire` (school weeks) or `vacances` (school holidays).
    period text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    check ((facilitator_professional_id is null) <> (facilitator_referent_id is null))
) strict;

-- The sites a workshop may run at.
create table workshop_site (
    workshop_id integer not null references workshop (workshop_id) on delete cascade,
    neutral_site_id integer not null references neutral_site (neutral_site_id),
    -- Rank in the workshop's site list, from 0, so the list loads back in the order it was given.
    position integer not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    primary key (workshop_id, neutral_site_id)
) strict;

-- Rendez-vous de santé of a child.
create table health_appointment (
    health_appointment_id integer primary key,
    code text not null unique,
    child_id integer not null references child (child_id),
    -- Kind of care (`orthophoniste`, `cmp`…): health data, stored, never published in a feed.
    kind text not null,
    -- Name of the care place.
    place_name text not null,
    -- Commune and location of the care place.
    commune_id integer not null references commune (commune_id),
    latitude real not null,
    longitude real not null,
    -- Start, UTC instant (entered in Europe/Paris local time).
    start_at text not null,
    -- Length in minutes.
    duration_min integer not null check (duration_min >= 0),
    -- A ride is needed (aide à la mobilité).
    needs_ride integer not null check (needs_ride in (0, 1)),
    -- The child travels in a wheelchair.
    wheelchair integer not null check (wheelchair in (0, 1)),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

create index health_appointment_child_id on health_appointment (child_id);

-- Chauffeur for mobility help.
create table driver (
    driver_id integer primary key,
    code text not null unique,
    -- Display name.
    name text not null,
    -- Commune and location of the base.
    commune_id integer not null references commune (commune_id),
    latitude real not null,
    longitude real not null,
    -- Weekly windows, canonical text.
    working_hours text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

create table vehicle (
    vehicle_id integer primary key,
    code text not null unique,
    -- Usual driver.
    driver_id integer references driver (driver_id),
    -- Passenger seats, and child seats among them.
    seats integer not null check (seats >= 0),
    child_seats integer not null check (child_seats >= 0),
    -- Takes a wheelchair.
    wheelchair integer not null check (wheelchair in (0, 1)),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) strict;

-- Travel time between two located records, exported from a routing engine (trajets.csv); wins
-- over Parcours' estimate where it has the pair.
create table travel_override (
    travel_override_id integer primary key,
    -- Codes of any located record (commune, QPV, school, site, référent, family, driver): plain
    -- codes, not foreign keys, since they may point into any of those tables.
    from_code text not null,
    to_code text not null,
    -- Drive time in minutes and road distance in metres.
    minutes integer not null check (minutes >= 0),
    metres integer not null check (metres >= 0),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    unique (from_code, to_code)
) strict;
