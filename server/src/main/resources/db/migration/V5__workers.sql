-- Remote workers: hosts that register by name (per organization), heartbeat and claim tasks.
-- status is derived: draining when drained, offline when last_heartbeat_at is older than the
-- heartbeat timeout, else online. running_tasks is counted live from tasks.lease_owner.
create table workers (
    id                uuid primary key,
    org_id            uuid not null,
    name              text not null,
    version           text,
    os                text,
    arch              text,
    labels            text[] not null default '{}',
    task_types        text[] not null default '{}',
    max_concurrency   int not null,
    draining          boolean not null default false,
    last_heartbeat_at timestamptz not null,
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    unique (org_id, name)
);

-- What each worker claimed and how it ended: the task queue deletes finished tasks, so this is
-- the worker's history. One row per claimed attempt (a task row id is unique per attempt).
-- A 'running' row whose lease is gone (the lease expired and was reaped) reads as 'lost'.
create table worker_tasks (
    task_id     uuid primary key,
    org_id      uuid not null,
    worker_id   uuid not null references workers (id) on delete cascade,
    run_id      uuid not null,
    step_id     text not null,
    item_index  int not null,
    task_type   text,
    attempt     int not null,
    lease_token bigint not null,
    status      text not null,
    error       jsonb,
    claimed_at  timestamptz not null,
    finished_at timestamptz
);
create index worker_tasks_by_worker on worker_tasks (worker_id, claimed_at desc);
create index worker_tasks_finished on worker_tasks (finished_at) where finished_at is not null;
