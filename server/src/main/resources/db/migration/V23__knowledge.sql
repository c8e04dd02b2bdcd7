-- Issue #19, knowledge. A document belongs to one scope: the organization, a project, an agent or
-- a runner. Its owner is a real foreign key per kind (as connection links have since V20), so
-- deleting a project, agent or runner deletes its documents in the same statement; scope_id is
-- derived from them for filtering. The original bytes are a PostgreSQL large object (streamed in
-- and out, never a 50 MB value in memory), unlinked by a trigger whenever the row goes, however it goes.

create table knowledge_documents (
    id               uuid primary key,
    org_id           uuid not null references organizations (id) on delete cascade,
    scope_type       text not null check (scope_type in ('org', 'project', 'agent', 'runner')),
    project_id       uuid references projects (id) on delete cascade,
    agent_id         uuid references agents (id) on delete cascade,
    runner_id        uuid references runners (id) on delete cascade,
    scope_id         uuid generated always as (coalesce(project_id, agent_id, runner_id)) stored,
    title            text not null,
    version          int not null,
    status           text not null check (status in ('processing', 'ready', 'failed')),
    error            text,
    source           text not null check (source in ('upload', 'text', 'url')),
    source_url       text,
    file_name        text,
    content_type     text,
    content_hash     text not null,
    bytes            bigint not null,
    file_oid         oid not null,
    metadata         jsonb not null default '{}',
    chunks           int not null default 0,
    attempts         int not null default 0,
    lease_owner      uuid,
    lease_expires_at timestamptz,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    constraint knowledge_documents_one_owner check (
        scope_type = 'org' and num_nonnulls(project_id, agent_id, runner_id) = 0
        or scope_type = 'project' and project_id is not null and num_nonnulls(agent_id, runner_id) = 0
        or scope_type = 'agent' and agent_id is not null and num_nonnulls(project_id, runner_id) = 0
        or scope_type = 'runner' and runner_id is not null and num_nonnulls(project_id, agent_id) = 0),
    -- one document per title in a scope: a new version replaces the row
    constraint knowledge_documents_title unique nulls not distinct (org_id, scope_type, scope_id, title)
);
create index knowledge_documents_org_created on knowledge_documents (org_id, created_at, id);
create index knowledge_documents_processing on knowledge_documents (lease_expires_at nulls first, created_at) where status = 'processing';

create function knowledge_unlink_file() returns trigger language plpgsql as $$
begin
    perform lo_unlink(old.file_oid) from pg_largeobject_metadata where oid = old.file_oid;
    return old;
end
$$;
create trigger knowledge_documents_unlink after delete on knowledge_documents
    for each row execute function knowledge_unlink_file();

-- The chunks search reads. The scope is copied from the document so a search filters without a
-- join, and an index kept outside PostgreSQL (vectors) can filter by it too. The text search
-- configuration is 'english': questions are full of stop words and inflections ("how do I reset
-- passwords") that 'simple' would demand verbatim; identifiers (E-4012, product names) pass its
-- parser unstemmed all the same. Headings weigh more than body text.
create table knowledge_chunks (
    id              uuid primary key,
    document_id     uuid not null references knowledge_documents (id) on delete cascade,
    org_id          uuid not null references organizations (id) on delete cascade,
    scope_type      text not null,
    scope_id        uuid,
    position        int not null,
    heading         text not null default '',
    text            text not null,
    tsv             tsvector generated always as (setweight(to_tsvector('english', heading), 'A') || setweight(to_tsvector('english', text), 'B')) stored,
    -- filled by the embedder; bytes of little-endian float32, the model that made them
    embedding       bytea,
    embedding_model text,
    unique (document_id, position)
);
create index knowledge_chunks_tsv on knowledge_chunks using gin (tsv);
create index knowledge_chunks_scope on knowledge_chunks (org_id, scope_type, scope_id);
