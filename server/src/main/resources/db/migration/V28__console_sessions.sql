-- Browser sessions of the console (issue #15): a key exchanged for a cookie. Only a SHA-256 of the
-- cookie's token is stored; a session lives no longer than its key (revoked keys are checked on
-- every request, deleted keys take their sessions with them).
create table console_sessions (
    id          uuid primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    key_id      uuid not null references api_keys (id) on delete cascade,
    token_hash  text not null unique,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    ended_at    timestamptz
);
create index console_sessions_key on console_sessions (key_id);
create index console_sessions_expiry on console_sessions (expires_at);
