-- Plans of any kind and horizon (issue 14): `week_plan` becomes `plan`, keyed by its kind (what
-- it plans: `rota` today; EPS year, workshop term, rides day next), its horizon (the period)
-- and its method, its body carrying a format version; `published_week` becomes
-- `published_plan`, one per kind and horizon; a feed event remembers the kind and horizon of
-- the plan that last published it. Existing rows: kind `rota`, horizon their week, format 1.
-- SQLite cannot change a table's unique constraint, so the two plan tables are rebuilt and
-- copied (ids kept); `feed_event` only gains a column. Same tables and columns as
-- migrations/postgres/0007_plan_kind.sql.

-- A plan, versioned: each solve stores a new version of its kind, horizon and method, so that a
-- re-plan starts from the last one and nothing planned is overwritten.
create table plan (
    plan_id integer primary key,
    -- What it plans: `rota` (the week's visits). The application's `PlanKind`.
    kind text not null,
    -- The period: an ISO week (`2026-W49`), a date range (`2026-09-01/2026-10-16`) or a school
    -- year (`2026-2027`). The application's `Horizon`, as it writes it.
    horizon text not null,
    -- How it was made: `optimised` (Parcours) or `baseline` (today's practice, first fit).
    method text not null,
    -- 1, 2, … within (kind, horizon, method).
    version integer not null check (version >= 1),
    -- Version of the body's format, per kind: a Parcours that does not know it refuses the
    -- body instead of misreading it (rota: 1 until issue 14, 2 since).
    format integer not null check (format >= 1),
    -- Seed of the solves.
    seed integer not null,
    -- The plan as JSON (for `rota`, the application's `WeekPlan`): codes, never names.
    body text not null,
    -- Headline figures, for listings without parsing the body: items placed (visits, meetings,
    -- sessions, rides) and unmet, travel (0 for a kind without travel).
    placed integer not null check (placed >= 0),
    unmet integer not null check (unmet >= 0),
    travel_minutes integer not null check (travel_minutes >= 0),
    travel_meters integer not null check (travel_meters >= 0),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    unique (kind, horizon, method, version)
) strict;

insert into plan (plan_id, kind, horizon, method, version, format, seed, body, placed, unmet,
    travel_minutes, travel_meters, created_at, updated_at)
select week_plan_id, 'rota', week, kind, version, 1, seed, body, visits, unmet, travel_minutes,
    travel_meters, created_at, updated_at
from week_plan;

-- The version of a plan (of its kind and horizon, method `optimised`) that the feeds show.
create table published_plan (
    published_plan_id integer primary key,
    -- As in `plan`.
    kind text not null,
    horizon text not null,
    plan_id integer not null references plan (plan_id),
    -- When this version was published (republishing the same version keeps it).
    published_at text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    unique (kind, horizon)
) strict;

insert into published_plan (published_plan_id, kind, horizon, plan_id, published_at, created_at,
    updated_at)
select published_week_id, 'rota', week, week_plan_id, published_at, created_at, updated_at
from published_week;

drop table published_week;
drop table week_plan;

-- The plan that last published an event: its kind (the default names the events published
-- before this migration, all of rota plans) and its horizon (their week).
alter table feed_event rename column week to horizon;
alter table feed_event add column kind text not null default 'rota';
drop index feed_event_week;
create index feed_event_plan on feed_event (kind, horizon);
