-- Weekly plans, versioned: each `parcours plan` stores a new version of its week and kind, so
-- that a re-plan starts from the last one and nothing planned is overwritten. Same columns as
-- migrations/postgres/0002_week_plan.sql.
create table week_plan (
    week_plan_id integer primary key,
    -- ISO week (`2026-W49`).
    week text not null,
    -- `optimised` (Parcours) or `baseline` (today's practice, first fit).
    kind text not null,
    -- 1, 2, … within (week, kind).
    version integer not null check (version >= 1),
    -- Seed of the solves.
    seed integer not null,
    -- The plan as JSON (the application's `WeekPlan`): stops carry family codes, never names.
    body text not null,
    -- Headline figures, for listings without parsing the body.
    visits integer not null check (visits >= 0),
    unmet integer not null check (unmet >= 0),
    travel_minutes integer not null check (travel_minutes >= 0),
    travel_meters integer not null check (travel_meters >= 0),
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    unique (week, kind, version)
) strict;
