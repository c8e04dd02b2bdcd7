-- Sessions (#17): long-lived processes ("pods") on worker hosts, from templates the host's operator declared.
-- A worker announces its templates and pod slots when it registers.
alter table workers add column max_pods int not null default 0;
alter table workers add column session_templates jsonb not null default '[]';
alter table workers add column session_template_names text[] not null default '{}';

-- status: pending (no worker yet), starting (claimed by a worker), running, idle, terminated, failed.
-- lease_token fences a worker's reports like a task's: a worker whose lease was lost (host_lost)
-- or handed on can never change the session again. report_seq is the last report event applied,
-- so that a report retried after a lost answer is applied once.
create table sessions (
    id               uuid primary key,
    org_id           uuid not null,
    project_id       uuid,
    template         text not null,
    initial_prompt   text not null,
    labels           text[] not null default '{}',
    metadata         jsonb not null default '{}',
    status           text not null,
    reason           text,
    exit_code        int,
    worker_id        uuid references workers (id) on delete set null,
    exec_allowed     boolean not null default false,
    lease_token      bigint not null default 0,
    lease_expires_at timestamptz,
    report_seq       bigint not null default 0,
    event_seq        bigint not null default 0,
    run_id           uuid,
    step_id          text,
    wait_for         text,
    step_keep        boolean not null default false,
    step_reported    boolean not null default false,
    archived_at      timestamptz,
    created_at       timestamptz not null,
    started_at       timestamptz,
    ended_at         timestamptz,
    updated_at       timestamptz not null
);
create index sessions_by_org on sessions (org_id, created_at desc);
create index sessions_pending on sessions (org_id, created_at) where status = 'pending';
create index sessions_by_worker on sessions (worker_id, created_at desc);
create index sessions_ended on sessions (ended_at) where ended_at is not null;

-- The timeline: output lines in order, messages, status changes, exec results. seq is per session.
create table session_events (
    session_id uuid not null references sessions (id) on delete cascade,
    seq        bigint not null,
    org_id     uuid not null,
    type       text not null,
    data       jsonb not null,
    created_at timestamptz not null,
    primary key (session_id, seq)
);

-- Commands for the worker that runs a session (message, exec, cancel, files, archive), handed out by
-- its long poll; result is what the worker answered (exec output, a file), read by the waiting API call.
create table session_commands (
    id           bigserial primary key,
    org_id       uuid not null,
    session_id   uuid not null references sessions (id) on delete cascade,
    worker_id    uuid not null,
    kind         text not null,
    body         jsonb not null,
    result       jsonb,
    created_at   timestamptz not null,
    delivered_at timestamptz,
    done_at      timestamptz
);
create index session_commands_undelivered on session_commands (worker_id, id) where delivered_at is null;
