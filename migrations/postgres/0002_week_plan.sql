-- Weekly plans, versioned: each `parcours plan` stores a new version of its week and kind, so
-- that a re-plan starts from the last one and nothing planned is overwritten. Same columns as
-- migrations/sqlite/0002_week_plan.sql.
create table week_plan (
    week_plan_id bigint generated always as identity primary key,
    -- ISO week (`2026-W49`).
    week text not null,
    -- `optimised` (Parcours) or `baseline` (today's practice, first fit).
    kind text not null,
    -- 1, 2, … within (week, kind).
    version bigint not null check (version >= 1),
    -- Seed of the solves.
    seed bigint not null,
    -- The plan as JSON (the application's `WeekPlan`): stops carry family codes, never names.
    body text not null,
    -- Headline figures, for listings without parsing the body.
    visits bigint not null check (visits >= 0),
    unmet bigint not null check (unmet >= 0),
    travel_minutes bigint not null check (travel_minutes >= 0),
    travel_meters bigint not null check (travel_meters >= 0),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (week, kind, version)
);
