-- A chunk the embedder refuses (an input it rejects, not an endpoint that is down) is marked with
-- the model that refused it and why, so the embedding loop moves past it; it stays found by
-- full-text search, and a change of model or a reindex tries it again.
alter table knowledge_chunks add column embedding_error text;

-- The embedding loop asks every few seconds for chunks without a vector of the current model
-- (embedding_model is null, or another model): an index answers that at once instead of a scan of
-- every chunk when all of them are embedded.
create index knowledge_chunks_embedding_model on knowledge_chunks (embedding_model);
