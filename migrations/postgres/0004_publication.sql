-- Who may use the API and the calendar feeds, which plan of each week is published, and the
-- calendar events the feeds are built from. Same tables and columns as
-- migrations/sqlite/0004_publication.sql; only the types differ. Conventions:
-- 0001_territory.sql.
--
-- Persons are stored as plain codes, not foreign keys: a token or an event may belong to a
-- coordinator, a référent, a driver or a professional, each in its own table. The store checks
-- the code when a token is created.

-- Utilisateur de l'API: a bearer token that speaks for one person in one role.
create table api_user (
    api_user_id bigint generated always as identity primary key,
    -- Code of the person (a coordinator, référent, driver or professional).
    person_code text not null,
    -- `coordinator`, `referent` or `logistics`.
    role text not null check (role in ('coordinator', 'referent', 'logistics')),
    -- SHA-256 of the token, lowercase hex: the token itself is shown once and never stored.
    token_hash text not null unique,
    -- When the token was revoked; null while it is valid. A revoked row is kept for the record.
    revoked_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index api_user_person_code on api_user (person_code);

-- Abonnement à un agenda: the secret of one person's feed URL (`/feeds/<token>.ics`).
create table feed_subscription (
    feed_subscription_id bigint generated always as identity primary key,
    -- Code of the person whose calendar the feed shows.
    person_code text not null,
    -- SHA-256 of the token, lowercase hex: the token itself is shown once and never stored.
    token_hash text not null unique,
    -- When the feed was revoked; null while it is valid.
    revoked_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index feed_subscription_person_code on feed_subscription (person_code);

-- The version of a week's optimised plan that the feeds show.
create table published_week (
    published_week_id bigint generated always as identity primary key,
    -- ISO week (`2026-W49`).
    week text not null unique,
    week_plan_id bigint not null references week_plan (week_plan_id),
    -- When this version was published (republishing the same version keeps it).
    published_at timestamptz not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

-- Événement d'agenda: one event of one person's feed, as last published. A publication
-- inserts, updates or cancels these rows in the same transaction as `published_week`, so a
-- feed never shows half of a plan. `updated_at` changes only when the event does: it is the
-- feed's Last-Modified.
create table feed_event (
    feed_event_id bigint generated always as identity primary key,
    -- Code of the person whose feed shows it.
    person_code text not null,
    -- ISO week of the plan that last published it.
    week text not null,
    -- iCalendar UID, stable across publications (`visite-2026-W49-F-0001@parcours`).
    uid text not null,
    -- iCalendar SEQUENCE: 0 when first published, one more at each change or cancellation.
    sequence bigint not null check (sequence >= 0),
    -- `confirmed`, or `cancelled` when a later publication no longer has it.
    status text not null check (status in ('confirmed', 'cancelled')),
    -- Europe/Paris wall-clock start and end (no time zone), as the feed writes them.
    start_local timestamp not null,
    end_local timestamp not null,
    -- Texts as the feed writes them: family code, commune and place type, never a name.
    summary text not null,
    location text not null,
    description text not null,
    -- When it was cancelled; set exactly when `status` is `cancelled`. The feed keeps a
    -- cancelled event for 30 days, so that subscribed calendars remove it.
    cancelled_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (person_code, uid),
    check ((status = 'cancelled') = (cancelled_at is not null))
);

create index feed_event_week on feed_event (week);
