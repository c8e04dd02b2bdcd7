-- Organization-level notification subscriptions (session.* events: sessions belong to no runner) and their outbox.
create table notification_subscriptions (
    id               uuid primary key,
    org_id           uuid not null references organizations (id) on delete cascade,
    url              text not null,
    -- exact event names (session.failed) or a prefix and * (session.*)
    events           text[] not null,
    -- sealed by SecretBox, never in plain text
    signing_secret   text not null,
    signature_scheme text not null,
    created_at       timestamptz not null
);
create index notification_subscriptions_org on notification_subscriptions (org_id, created_at, id);

-- The durable outbox: a row per (subscription, event), written in the transaction that made the event.
create table subscription_deliveries (
    id              uuid primary key,
    subscription_id uuid not null references notification_subscriptions (id) on delete cascade,
    org_id          uuid not null,
    event           text not null,
    payload         jsonb not null,
    status          text not null check (status in ('pending', 'delivered', 'failed')),
    attempts        int not null default 0,
    next_attempt_at timestamptz,
    claim_token     uuid,
    response_status int,
    last_error      text,
    created_at      timestamptz not null,
    delivered_at    timestamptz
);
create index subscription_deliveries_due on subscription_deliveries (next_attempt_at) where status = 'pending';
create index subscription_deliveries_pending_org on subscription_deliveries (org_id) where status = 'pending';
create index subscription_deliveries_list on subscription_deliveries (subscription_id, created_at desc, id);
create index subscription_deliveries_settled on subscription_deliveries (created_at) where status <> 'pending';
