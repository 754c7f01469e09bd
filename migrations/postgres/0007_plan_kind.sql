-- Plans of any kind and horizon (issue 14): `week_plan` becomes `plan`, keyed by its kind (what
-- it plans: `rota` today; EPS year, workshop term, rides day next), its horizon (the period)
-- and its method, its body carrying a format version; `published_week` becomes
-- `published_plan`, one per kind and horizon; a feed event remembers the kind and horizon of
-- the plan that last published it. Existing rows: kind `rota`, horizon their week, format 1.
-- The two plan tables are rebuilt and copied (ids kept, identities moved past them), as
-- SQLite has to; `feed_event` only gains a column. Same tables and columns as
-- migrations/sqlite/0007_plan_kind.sql.

-- A plan, versioned: each solve stores a new version of its kind, horizon and method, so that a
-- re-plan starts from the last one and nothing planned is overwritten.
create table plan (
    plan_id bigint generated always as identity primary key,
    -- What it plans: `rota` (the week's visits). The application's `PlanKind`.
    kind text not null,
    -- The period: an ISO week (`2026-W49`), a date range (`2026-09-01/2026-10-16`) or a school
    -- year (`2026-2027`). The application's `Horizon`, as it writes it.
    horizon text not null,
    -- How it was made: `optimised` (Parcours) or `baseline` (today's practice, first fit).
    method text not null,
    -- 1, 2, … within (kind, horizon, method).
    version bigint not null check (version >= 1),
    -- Version of the body's format, per kind: a Parcours that does not know it refuses the
    -- body instead of misreading it (rota: 1 until issue 14, 2 since).
    format bigint not null check (format >= 1),
    -- Seed of the solves.
    seed bigint not null,
    -- The plan as JSON (for `rota`, the application's `WeekPlan`): codes, never names.
    body text not null,
    -- Headline figures, for listings without parsing the body: items placed (visits, meetings,
    -- sessions, rides) and unmet, travel (0 for a kind without travel).
    placed bigint not null check (placed >= 0),
    unmet bigint not null check (unmet >= 0),
    travel_minutes bigint not null check (travel_minutes >= 0),
    travel_meters bigint not null check (travel_meters >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (kind, horizon, method, version)
);

insert into plan (plan_id, kind, horizon, method, version, format, seed, body, placed, unmet,
    travel_minutes, travel_meters, created_at, updated_at)
overriding system value
select week_plan_id, 'rota', week, kind, version, 1, seed, body, visits, unmet, travel_minutes,
    travel_meters, created_at, updated_at
from week_plan;
select setval(pg_get_serial_sequence('plan', 'plan_id'),
    coalesce((select max(plan_id) from plan), 0) + 1, false);

-- The version of a plan (of its kind and horizon, method `optimised`) that the feeds show.
create table published_plan (
    published_plan_id bigint generated always as identity primary key,
    -- As in `plan`.
    kind text not null,
    horizon text not null,
    plan_id bigint not null references plan (plan_id),
    -- When this version was published (republishing the same version keeps it).
    published_at timestamptz not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (kind, horizon)
);

insert into published_plan (published_plan_id, kind, horizon, plan_id, published_at, created_at,
    updated_at)
overriding system value
select published_week_id, 'rota', week, week_plan_id, published_at, created_at, updated_at
from published_week;
select setval(pg_get_serial_sequence('published_plan', 'published_plan_id'),
    coalesce((select max(published_plan_id) from published_plan), 0) + 1, false);

drop table published_week;
drop table week_plan;

-- The plan that last published an event: its kind (the default names the events published
-- before this migration, all of rota plans) and its horizon (their week).
alter table feed_event rename column week to horizon;
alter table feed_event add column kind text not null default 'rota';
drop index feed_event_week;
create index feed_event_plan on feed_event (kind, horizon);
