-- Idempotency-Key replays are scoped to the API key that sent the first request, and a response
-- that revealed a secret is kept only as a marker (withheld), never its body.
-- Rows written before this have no key id and may hold secrets in plain text: drop them (they
-- lived at most the TTL, 24 h by default; a retry after the upgrade is processed afresh).
delete from idempotency_keys;
alter table idempotency_keys add column key_id uuid not null;
alter table idempotency_keys add column withheld boolean not null default false;
alter table idempotency_keys drop constraint idempotency_keys_pkey;
alter table idempotency_keys add primary key (org_id, key_id, idem_key);
