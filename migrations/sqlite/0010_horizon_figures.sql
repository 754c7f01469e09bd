-- The eight weeks simulated from a week (issue 16): today's practice beside Parcours, as the
-- demo prints them and the week page shows them. Computed in seconds to minutes, so kept: one
-- row per week and digest of the data they were computed on (the territory as stored and the
-- measured drives); figures under another digest are out of date and the page says so. Same
-- table and columns as migrations/postgres/0010_horizon_figures.sql; only the types differ.
-- Conventions: 0001_territory.sql.
create table horizon_figures (
    horizon_figures_id integer primary key,
    -- The first week simulated (`2026-W49`).
    week text not null,
    -- SHA-256 (hex) of what the simulation read.
    inputs_digest text not null,
    -- The figures as JSON (the application's `StoredHorizon`): counts, never a family's code.
    body text not null,
    created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    unique (week, inputs_digest)
) strict;
