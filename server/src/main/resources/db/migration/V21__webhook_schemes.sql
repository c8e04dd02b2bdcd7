-- Inbound webhooks verify what real senders send: each webhook trigger has a signature scheme.
-- Existing webhook triggers keep the original body-only scheme; new ones default to 'standard'
-- (Standard Webhooks) in the application. Cron triggers have none.
alter table triggers add column signature_scheme text;
update triggers set signature_scheme = 'hmac-sha256' where type = 'webhook';
alter table triggers add constraint triggers_signature_scheme
    check ((type = 'webhook') = (signature_scheme is not null)
           and (signature_scheme is null or signature_scheme in ('standard', 'github', 'stripe', 'slack', 'hmac-sha256')));

-- The per-trigger inbound delivery log: when, what it was answered and why, never the body.
-- Pruned with the de-duplication window (griddle.triggers.webhook-dedup-window), like webhook_deliveries.
create table webhook_delivery_log (
    id          uuid primary key,
    trigger_id  uuid not null references triggers (id) on delete cascade,
    received_at timestamptz not null,
    status      int not null,
    reason      text,
    delivery_id text,
    run_id      uuid
);
create index webhook_delivery_log_trigger on webhook_delivery_log (trigger_id, received_at desc, id);
create index webhook_delivery_log_received on webhook_delivery_log (received_at);

-- Outbound notifications get a scheme too: new ones sign the Standard Webhooks way (set by the
-- application), existing ones keep the X-Griddle-Signature header their receivers verify.
alter table notifications add column signature_scheme text not null default 'hmac-sha256'
    check (signature_scheme in ('standard', 'hmac-sha256'));
alter table notifications alter column signature_scheme drop default;
