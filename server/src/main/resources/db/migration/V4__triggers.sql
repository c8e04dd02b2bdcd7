-- Triggers start runs without a person: cron schedules and signed webhooks.
create table triggers (
    id                         uuid primary key,
    org_id                     uuid not null references organizations (id) on delete cascade,
    runner_id                  uuid not null references runners (id) on delete cascade,
    type                       text not null check (type in ('cron', 'webhook')),
    enabled                    boolean not null,
    input                      jsonb,
    cron_schedule              text,
    cron_timezone              text,
    cron_overlap               text check (cron_overlap in ('allow', 'skip')),
    -- the one instant this trigger fires next; nodes race for it with a conditional update
    next_fire_at               timestamptz,
    last_fired_at              timestamptz,
    -- webhook signing secrets, sealed by SecretBox; the previous one is accepted until it expires
    signing_secret             text,
    previous_secret            text,
    previous_secret_expires_at timestamptz,
    created_at                 timestamptz not null,
    updated_at                 timestamptz not null
);
create index triggers_runner on triggers (org_id, runner_id, created_at, id);
create index triggers_due on triggers (next_fire_at) where enabled and type = 'cron';

-- One row per cron fire (a run started, or a skip and why).
create table trigger_fires (
    id           uuid primary key,
    trigger_id   uuid not null references triggers (id) on delete cascade,
    scheduled_at timestamptz not null,
    fired_at     timestamptz not null,
    run_id       uuid,
    skipped      boolean not null,
    reason       text,
    missed       int not null default 0
);
create index trigger_fires_trigger on trigger_fires (trigger_id, scheduled_at desc, id);

-- Webhook deliveries by the sender's X-Griddle-Delivery id: a retry gets the first run.
create table webhook_deliveries (
    trigger_id  uuid not null references triggers (id) on delete cascade,
    delivery_id text not null,
    run_id      uuid,
    created_at  timestamptz not null,
    primary key (trigger_id, delivery_id)
);
create index webhook_deliveries_created on webhook_deliveries (created_at);

-- Outbound notifications of run events to a URL, signed like inbound webhooks.
create table notifications (
    id             uuid primary key,
    org_id         uuid not null references organizations (id) on delete cascade,
    runner_id      uuid not null references runners (id) on delete cascade,
    url            text not null,
    events         text[] not null,
    signing_secret text not null,
    -- events created before this instant (minus a settling window) have been turned into deliveries
    scanned_until  timestamptz not null,
    created_at     timestamptz not null
);
create index notifications_runner on notifications (org_id, runner_id, created_at, id);

create table notification_deliveries (
    id              uuid primary key,
    notification_id uuid not null references notifications (id) on delete cascade,
    run_id          uuid not null,
    event_seq       bigint not null,
    event           text not null,
    payload         jsonb not null,
    status          text not null check (status in ('pending', 'delivered', 'failed')),
    attempts        int not null default 0,
    next_attempt_at timestamptz,
    response_status int,
    last_error      text,
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    unique (notification_id, run_id, event_seq)
);
create index notification_deliveries_due on notification_deliveries (next_attempt_at) where status = 'pending';
create index notification_deliveries_list on notification_deliveries (notification_id, created_at desc, id);
