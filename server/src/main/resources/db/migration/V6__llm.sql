-- Issue #5: custom tools, agents, connections of runners and agents, budgets.

create table tools (
    id          uuid primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    name        text not null,
    description text,
    parameters  jsonb not null,
    http        jsonb not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null,
    unique (org_id, name)
);

create table agents (
    id           uuid primary key,
    org_id       uuid not null references organizations (id) on delete cascade,
    project_id   uuid references projects (id),
    name         text not null,
    description  text,
    model        text,
    instructions text,
    temperature  double precision,
    -- bring-your-own provider keys: a JSON object {openai_api_key, ...} sealed by SecretBox; never returned
    credentials  text,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    unique (org_id, name)
);
create index agents_org_created on agents (org_id, created_at, id);
create index agents_project on agents (project_id) where project_id is not null;

-- Connections of a runner or an agent (owner_kind 'runner' | 'agent'). No foreign key to the owner,
-- which lives in one of two tables; deleting an owner deletes its rows explicitly.
create table connection_tools (
    org_id     uuid not null references organizations (id) on delete cascade,
    owner_kind text not null check (owner_kind in ('runner', 'agent')),
    owner_id   uuid not null,
    tool_id    uuid not null references tools (id) on delete cascade,
    allowed    boolean not null,
    created_at timestamptz not null,
    primary key (owner_kind, owner_id, tool_id)
);

-- web and plan settings: one JSON document per owner and kind; absent = the documented defaults
create table connection_settings (
    org_id     uuid not null references organizations (id) on delete cascade,
    owner_kind text not null check (owner_kind in ('runner', 'agent')),
    owner_id   uuid not null,
    kind       text not null check (kind in ('web', 'plan')),
    config     jsonb not null,
    updated_at timestamptz not null,
    primary key (owner_kind, owner_id, kind)
);

-- MCP servers, integrations and skills attached by id (their tables arrive with later issues)
create table connection_attachments (
    org_id     uuid not null references organizations (id) on delete cascade,
    owner_kind text not null check (owner_kind in ('runner', 'agent')),
    owner_id   uuid not null,
    kind       text not null check (kind in ('mcps', 'integrations', 'skills')),
    ref_id     uuid not null,
    config     jsonb not null default '{}',
    created_at timestamptz not null,
    primary key (owner_kind, owner_id, kind, ref_id)
);

create table runner_budgets (
    runner_id             uuid primary key,
    org_id                uuid not null references organizations (id) on delete cascade,
    max_cost_usd_per_run  numeric(18, 6),
    max_cost_usd_per_day  numeric(18, 6),
    max_tokens_per_run    bigint,
    on_exceed             text not null check (on_exceed in ('pause', 'fail')),
    updated_at            timestamptz not null
);

-- what POST /runs/{id}/resume {add_budget_usd} added to this run's allowance
alter table runs add column budget_extra_usd numeric(18, 6) not null default 0;
