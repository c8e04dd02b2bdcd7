-- Durable run state. Every change to a run happens in a transaction that first locks its row.
create table runs (
    id              uuid primary key,
    org_id          uuid not null references organizations (id) on delete cascade,
    runner_id       uuid not null,
    runner_version  int not null,
    project_id      uuid,
    status          text not null,
    input           jsonb not null,
    output          jsonb,
    error           jsonb,
    step_overrides  jsonb,
    trigger_type    text not null,
    trigger_id      uuid,
    parent_run_id   uuid references runs (id) on delete cascade,
    parent_step_id  text,
    cancel_mode     text,
    cost_usd        numeric(18, 6) not null default 0,
    input_tokens    bigint not null default 0,
    output_tokens   bigint not null default 0,
    event_seq       bigint not null default 0,
    created_at      timestamptz not null,
    started_at      timestamptz,
    finished_at     timestamptz
);
create index runs_org_created on runs (org_id, created_at desc, id);
create index runs_runner_created on runs (org_id, runner_id, created_at desc);
create index runs_parent on runs (parent_run_id) where parent_run_id is not null;
create index runs_live on runs (org_id, status) where finished_at is null;

create table step_runs (
    run_id      uuid not null references runs (id) on delete cascade,
    step_id     text not null,
    status      text not null,
    attempt     int not null default 0,
    output      jsonb,
    error       jsonb,
    skip_reason text,
    items       int,
    started_at  timestamptz,
    finished_at timestamptz,
    primary key (run_id, step_id)
);

-- Per-item results of for_each steps, collected in order when the last item finishes.
create table step_items (
    run_id     uuid not null references runs (id) on delete cascade,
    step_id    text not null,
    idx        int not null,
    status     text not null,
    attempt    int not null default 0,
    item       jsonb,
    output     jsonb,
    error      jsonb,
    primary key (run_id, step_id, idx)
);

create sequence lease_tokens;

-- The queue holds only live work: a task row is deleted in the transaction that completes it.
create table tasks (
    id               uuid primary key,
    org_id           uuid not null,
    run_id           uuid not null references runs (id) on delete cascade,
    step_id          text not null,
    item_index       int not null default -1,
    attempt          int not null,
    kind             text not null,
    task_type        text,
    runs_on          text[] not null default '{}',
    input            jsonb not null,
    timeout_ms       bigint,
    held             boolean not null default false,
    ready_at         timestamptz not null,
    lease_owner      text,
    lease_token      bigint,
    lease_expires_at timestamptz,
    claimed_at       timestamptz,
    created_at       timestamptz not null,
    unique (run_id, step_id, item_index)
);
create index tasks_ready on tasks (ready_at) where lease_owner is null and not held;
create index tasks_leased on tasks (lease_expires_at) where lease_owner is not null;
create index tasks_owner on tasks (lease_owner) where lease_owner is not null;

create table events (
    run_id     uuid not null references runs (id) on delete cascade,
    seq        bigint not null,
    org_id     uuid not null,
    type       text not null,
    step_id    text,
    data       jsonb not null,
    created_at timestamptz not null,
    primary key (run_id, seq)
);

create table approvals (
    id           uuid primary key,
    org_id       uuid not null,
    run_id       uuid not null references runs (id) on delete cascade,
    runner_id    uuid not null,
    step_id      text not null,
    status       text not null,
    message      text,
    approved     boolean,
    comment      text,
    result       jsonb,
    on_timeout   text not null default 'reject',
    created_at   timestamptz not null,
    completed_at timestamptz,
    expires_at   timestamptz,
    unique (run_id, step_id)
);
create index approvals_inbox on approvals (org_id, status, created_at desc);
