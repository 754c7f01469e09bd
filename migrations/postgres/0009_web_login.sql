-- Sign-in to the web app (issue 16): a person's login and password, and the sessions a sign-in
-- opens. Same tables and columns as migrations/sqlite/0009_web_login.sql; only the types
-- differ. Conventions: 0001_territory.sql.
create table web_login (
    web_login_id bigint generated always as identity primary key,
    -- Code of the person (a coordinator, référent, driver or professional).
    person_code text not null,
    -- `coordinator`, `referent` or `logistics`, as an API user's.
    role text not null check (role in ('coordinator', 'referent', 'logistics')),
    -- What she types to sign in, lowercase.
    login text not null unique,
    -- Argon2id hash of her password, as a PHC string: the password itself is never stored.
    password_hash text not null,
    -- When the login was revoked (with its sessions); null while it is valid.
    revoked_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index web_login_person_code on web_login (person_code);

-- A signed-in browser: the session cookie's token, stored as its SHA-256 only.
create table web_session (
    web_session_id bigint generated always as identity primary key,
    web_login_id bigint not null references web_login (web_login_id),
    -- SHA-256 of the cookie's token, lowercase hex.
    token_hash text not null unique,
    -- After this instant the session is over, whatever the browser sends.
    expires_at timestamptz not null,
    -- When she signed out (or her login was revoked); null while the session is open.
    ended_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index web_session_login on web_session (web_login_id);
