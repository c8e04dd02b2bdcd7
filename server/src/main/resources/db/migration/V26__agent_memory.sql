-- Issue #19, memory for agents. A thread may name the user it talks with; an agent's memory entries
-- belong to the agent and to one user or none. Entries are searched like knowledge chunks: the
-- same 'english' full text, and vectors filled by the same embedding loop and kept in the same
-- in-memory index, filed under scope ('memory', scope_id) where scope_id is derived from the agent
-- and the user (so a search for one user scans only that user's vectors).

alter table threads add column user_name text;

alter table agents add column memory_auto_index_turns boolean not null default false;

create table agent_memories (
    id              uuid primary key,
    org_id          uuid not null references organizations (id) on delete cascade,
    agent_id        uuid not null references agents (id) on delete cascade,
    user_name       text,
    scope_id        uuid not null,
    text            text not null,
    source          text not null check (source in ('api', 'tool', 'turn')),
    created_at      timestamptz not null,
    tsv             tsvector generated always as (to_tsvector('english', text)) stored,
    -- filled by the embedder, as in knowledge_chunks (embedding_error: the model refused it, V30)
    embedding       bytea,
    embedding_model text,
    embedding_error text
);
create index agent_memories_agent_created on agent_memories (agent_id, user_name, created_at, id);
create index agent_memories_scope on agent_memories (scope_id);
create index agent_memories_tsv on agent_memories using gin (tsv);
create index agent_memories_embedding_model on agent_memories (embedding_model);

-- every delete (by the API, or by a cascade from the agent or organization) is announced to the
-- nodes' vector indexes on the knowledge channel, the entry id as payload: each node reads that
-- id's rows again and, finding none, drops its vector
create function agent_memories_deleted() returns trigger language plpgsql as $$
begin
    perform pg_notify('knowledge_chunks', id::text) from gone;
    return null;
end
$$;
create trigger agent_memories_deleted after delete on agent_memories
    referencing old table as gone for each statement execute function agent_memories_deleted();
