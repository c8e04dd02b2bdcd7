-- Database integrations: read-only SQL tools for models. The password is sealed by SecretBox.
create table integrations (
    id              uuid primary key,
    org_id          uuid not null references organizations (id) on delete cascade,
    name            text not null,
    kind            text not null check (kind in ('postgresql', 'mysql')),
    url             text not null,
    username        text,
    password_sealed text,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    unique (org_id, name)
);
