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

-- MCP servers models may call as <slug>__<tool>. Headers (an object, often holding a token) are sealed by SecretBox.
create table mcp_servers (
    id             uuid primary key,
    org_id         uuid not null references organizations (id) on delete cascade,
    name           text not null,
    slug           text not null,
    transport      text not null check (transport in ('streamable_http', 'sse', 'stdio')),
    url            text,
    headers_sealed text,
    command        text,
    args           jsonb not null default '[]',
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    unique (org_id, name),
    unique (org_id, slug)
);
