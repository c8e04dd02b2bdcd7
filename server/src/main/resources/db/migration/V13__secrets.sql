-- The org's secrets store (API.md "Secrets"): templates read them as secrets.NAME. The value is sealed by
-- SecretBox and never returned; runs carry a placeholder and get the value only at the moment of use.
create table secrets (
    org_id       uuid not null references organizations (id) on delete cascade,
    name         text not null,
    value_sealed text not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    primary key (org_id, name)
);
