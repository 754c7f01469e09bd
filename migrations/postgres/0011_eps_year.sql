-- The EPS's school year (issue 17): what scheduling the meetings of a school year needs to know
-- of each EPS (how many meetings, how long, who must come, who else attends, where else it may
-- meet, when it meets, how far apart), the coordinator's office, and when people cannot attend
-- or sites are closed (indisponibilites.csv). Same tables and columns as
-- migrations/sqlite/0011_eps_year.sql; only the types differ. Conventions: 0001_territory.sql.

-- Meetings per school year (`reunions`), at least 1; 4 when the spreadsheet does not say.
alter table eps add column meetings_per_year bigint not null default 4
    check (meetings_per_year >= 1);
-- Length of one meeting in minutes (`duree_min`); 120 when the spreadsheet does not say.
alter table eps add column meeting_minutes bigint not null default 120
    check (meeting_minutes >= 0);
-- When it meets, if it restricts it (`horaires`): weekly windows, canonical text; null for
-- whenever its members are available.
alter table eps add column hours text;
-- Least days between two of its meetings (`espacement_min_jours`); null for at most one
-- meeting per period between school holidays.
alter table eps add column min_spacing_days bigint check (min_spacing_days >= 0);

-- The member's presence is required (`requis`); an invited member (false) is wished, not
-- required.
-- Rows stored before this migration are required: the `requis` column did not exist, and
-- without it every member is required.
alter table eps_member add column required boolean not null default true;

-- The PRE référents who attend an EPS's meetings (`referents`).
create table eps_referent (
    eps_id bigint not null references eps (eps_id) on delete cascade,
    referent_id bigint not null references referent (referent_id),
    -- Rank in the EPS's list, from 0, so the list loads back in the order it was given.
    position bigint not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (eps_id, referent_id)
);

create index eps_referent_referent_id on eps_referent (referent_id);

-- The other sites an EPS may meet at besides its usual one (`lieux_alternatifs`).
create table eps_alternative_site (
    eps_id bigint not null references eps (eps_id) on delete cascade,
    neutral_site_id bigint not null references neutral_site (neutral_site_id),
    -- Rank in the EPS's list, from 0: the spreadsheet's order, its preference.
    position bigint not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (eps_id, neutral_site_id)
);

-- The coordinator's office (`lieu`): where her driving to meetings starts and ends; null when
-- not given.
alter table coordinator add column neutral_site_id bigint
    references neutral_site (neutral_site_id);

-- Indisponibilité: a stretch of time when a person cannot attend a meeting (training, leave,
-- school trip) or a site is closed (works). Upserted by code like every record.
create table unavailability (
    unavailability_id bigint generated always as identity primary key,
    code text not null unique,
    -- Code of a professional, a coordinator, a référent or a neutral site: a plain code, not a
    -- foreign key, since it may point into any of those tables (a code names one record across
    -- all of them).
    person_code text not null,
    -- From (included) and to (excluded), UTC instants (entered in Europe/Paris local time; a
    -- date alone is that day from 00:00, or to the end of it).
    start_at timestamptz not null,
    end_at timestamptz not null,
    -- Why (`formation`, `congé`…), free text for the coordinator; never shown in a feed.
    reason text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (end_at > start_at)
);

create index unavailability_person_code on unavailability (person_code);
