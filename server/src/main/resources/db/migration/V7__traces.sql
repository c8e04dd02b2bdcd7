-- Traces, evaluations and analytics. Traces are built from the engine's own record (runs, step_runs,
-- events); nothing here is written on the engine's path. Background jobs read finished runs in
-- (finished_at, id) order behind a durable cursor and keep hourly rollups for analytics.

-- Where each background job stands: the (finished_at or created_at, run id) of the last run it handled.
create table trace_cursors (
    name   text primary key,
    at     timestamptz not null,
    run_id uuid not null
);
insert into trace_cursors (name, at, run_id) values ('rollup', '1970-01-01T00:00:00Z', '00000000-0000-0000-0000-000000000000');

-- The jobs walk runs by finish time; the started-runs counter walks them by creation time.
create index runs_finished on runs (finished_at, id) where finished_at is not null;
create index runs_created on runs (created_at);

create table evaluations (
    id         uuid primary key,
    org_id     uuid not null,
    run_id     uuid not null references runs (id) on delete cascade,
    name       text not null,
    score      double precision not null,
    comment    text,
    created_at timestamptz not null
);
create index evaluations_run on evaluations (run_id, created_at);

-- Hourly rollups of finished runs (hour = the hour the run finished, UTC), per organization,
-- runner and project. Maintained incrementally by the rollup job; analytics read them plus the
-- few runs that finished after its cursor.
create table run_rollups (
    org_id        uuid not null,
    hour          timestamptz not null,
    runner_id     uuid not null,
    project_id    uuid,
    runs          bigint not null,
    succeeded     bigint not null,
    failed        bigint not null,
    cancelled     bigint not null,
    steps         bigint not null,
    input_tokens  bigint not null,
    output_tokens bigint not null,
    cost_usd      numeric(18, 6) not null,
    unique nulls not distinct (org_id, hour, runner_id, project_id)
);

-- Run durations as counts per logarithmic bucket (ratio 1.1), so percentiles add up across hours.
create table duration_rollups (
    org_id     uuid not null,
    hour       timestamptz not null,
    runner_id  uuid not null,
    project_id uuid,
    bucket     smallint not null,
    runs       bigint not null,
    unique nulls not distinct (org_id, hour, runner_id, project_id, bucket)
);

-- Step attempts by step type.
create table step_rollups (
    org_id      uuid not null,
    hour        timestamptz not null,
    runner_id   uuid not null,
    project_id  uuid,
    step_type   text not null,
    attempts    bigint not null,
    failed      bigint not null,
    duration_ms bigint not null,
    unique nulls not distinct (org_id, hour, runner_id, project_id, step_type)
);

-- Model calls (llm_call events) by model.
create table model_rollups (
    org_id        uuid not null,
    hour          timestamptz not null,
    runner_id     uuid not null,
    project_id    uuid,
    model         text not null,
    calls         bigint not null,
    input_tokens  bigint not null,
    output_tokens bigint not null,
    cost_usd      numeric(18, 6) not null,
    unique nulls not distinct (org_id, hour, runner_id, project_id, model)
);
