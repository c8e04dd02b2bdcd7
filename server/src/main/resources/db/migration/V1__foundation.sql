create table organizations (
    id          uuid primary key,
    name        text not null,
    created_at  timestamptz not null default now()
);

create table projects (
    id          uuid primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    name        text not null,
    description text,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    unique (org_id, name)
);

create table api_keys (
    id             uuid primary key,
    org_id         uuid not null references organizations (id) on delete cascade,
    name           text not null,
    role           text not null check (role in ('admin', 'contributor', 'viewer', 'worker')),
    project_ids    uuid[],
    prefix         text not null,
    secret_hash    text not null unique,
    instance_admin boolean not null default false,
    expires_at     timestamptz,
    revoked_at     timestamptz,
    created_at     timestamptz not null
);
create index api_keys_org on api_keys (org_id, created_at);

-- First responses to POSTs sent with an Idempotency-Key; status is null while the first request runs.
create table idempotency_keys (
    org_id       uuid not null,
    idem_key     text not null,
    fingerprint  text not null,
    status       int,
    content_type text,
    location     text,
    body         bytea,
    created_at   timestamptz not null,
    primary key (org_id, idem_key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
