-- Issue #19, knowledge connections: the scopes a runner or an agent searches besides its own
-- documents (GET/PUT /api/v1/{runners|agents}/{id}/knowledge). Like the other connection links
-- (V20) the owner is a real foreign key per kind, and so is the connected scope (as a document's
-- owner is in V23): deleting the runner or agent, or the project, agent or runner a link points
-- at, deletes the link in the same statement. An org scope names no row. position keeps the order
-- the scopes were put in.

create table connection_knowledge (
    org_id          uuid not null references organizations (id) on delete cascade,
    runner_id       uuid references runners (id) on delete cascade,
    agent_id        uuid references agents (id) on delete cascade,
    position        int not null,
    scope_type      text not null check (scope_type in ('org', 'project', 'agent', 'runner')),
    scope_project_id uuid references projects (id) on delete cascade,
    scope_agent_id  uuid references agents (id) on delete cascade,
    scope_runner_id uuid references runners (id) on delete cascade,
    scope_id        uuid generated always as (coalesce(scope_project_id, scope_agent_id, scope_runner_id)) stored,
    created_at      timestamptz not null,
    constraint connection_knowledge_one_owner check (num_nonnulls(runner_id, agent_id) = 1),
    constraint connection_knowledge_one_scope check (
        scope_type = 'org' and num_nonnulls(scope_project_id, scope_agent_id, scope_runner_id) = 0
        or scope_type = 'project' and scope_project_id is not null and num_nonnulls(scope_agent_id, scope_runner_id) = 0
        or scope_type = 'agent' and scope_agent_id is not null and num_nonnulls(scope_project_id, scope_runner_id) = 0
        or scope_type = 'runner' and scope_runner_id is not null and num_nonnulls(scope_project_id, scope_agent_id) = 0)
);
-- one link per owner and scope; each index holds for its own kind of owner
create unique index connection_knowledge_runner_key on connection_knowledge (runner_id, scope_type, coalesce(scope_id, '00000000-0000-0000-0000-000000000000'))
    where runner_id is not null;
create unique index connection_knowledge_agent_key on connection_knowledge (agent_id, scope_type, coalesce(scope_id, '00000000-0000-0000-0000-000000000000'))
    where agent_id is not null;
-- deleting a connected project, agent or runner finds its links
create index connection_knowledge_scope_project on connection_knowledge (scope_project_id) where scope_project_id is not null;
create index connection_knowledge_scope_agent on connection_knowledge (scope_agent_id) where scope_agent_id is not null;
create index connection_knowledge_scope_runner on connection_knowledge (scope_runner_id) where scope_runner_id is not null;

-- Retrieval spans (retrieve steps and knowledge_search calls) counted per hour like steps; rows
-- rolled up before this migration count none.
alter table run_rollups add column retrievals bigint not null default 0;
