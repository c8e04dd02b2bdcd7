-- Issue #19: every delete of knowledge documents is announced to the nodes' vector indexes,
-- however it happens: by the API (which announces too; a notice applied twice is harmless), or
-- by a cascade from a deleted project, agent, runner or organization, which no code sees. The
-- payload is the document id, as the application sends it; each node reads that document's rows
-- again and, finding none, drops its vectors.
create function knowledge_documents_deleted() returns trigger language plpgsql as $$
begin
    perform pg_notify('knowledge_chunks', id::text) from gone;
    return null;
end
$$;
create trigger knowledge_documents_deleted after delete on knowledge_documents
    referencing old table as gone for each statement execute function knowledge_documents_deleted();
