-- Issue #18, datasets and experiments. A dataset belongs to one runner; its cases keep their input,
-- an expected output and (for a case made from a run) a copy of the run's recorded calls, which
-- outlives the run: no foreign key to runs, so run retention never deletes it.
create table datasets (
    id          uuid primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    project_id  uuid,
    runner_id   uuid not null,
    name        text not null,
    created_at  timestamptz not null
);
create index datasets_org_created on datasets (org_id, created_at desc, id);

create table dataset_cases (
    id             uuid primary key,
    dataset_id     uuid not null references datasets (id) on delete cascade,
    position       bigserial,
    input          jsonb not null,
    expected       jsonb,
    source_run_id  uuid,
    -- the source run's figures when the case was made: the recorded baseline of an experiment
    cost_usd       numeric(18, 6),
    duration_ms    bigint,
    tokens         bigint,
    size_bytes     bigint not null,
    created_at     timestamptz not null
);
create index dataset_cases_dataset on dataset_cases (dataset_id, position);

-- The copy of a source run's run_calls, deflated the same way.
create table dataset_case_calls (
    case_id      uuid not null references dataset_cases (id) on delete cascade,
    step_id      text not null,
    attempt      int not null,
    item_index   int not null,
    seq          int not null,
    kind         text not null,
    fingerprint  text not null,
    request      bytea not null,
    response     bytea not null,
    duration_ms  bigint not null,
    cost_usd     numeric(18, 6),
    primary key (case_id, step_id, item_index, attempt, seq)
);

-- A replay may be answered from a dataset case's recording instead of a run's.
alter table run_replays alter column source_run_id drop not null;
alter table run_replays add column source_case_id uuid;

create table experiments (
    id                uuid primary key,
    org_id            uuid not null references organizations (id) on delete cascade,
    project_id        uuid,
    dataset_id        uuid not null,
    runner_id         uuid not null,
    version           int not null,
    baseline_version  int,
    mode              text not null,
    evaluators        jsonb not null,
    max_cost_usd      numeric(18, 6),
    max_parallel      int not null,
    status            text not null,
    error             text,
    -- set for the experiment of a gated publish: the gate's minimum pass rate (a pass publishes the version)
    gate_min_pass_rate numeric(6, 5),
    -- the node advancing it, until lease_until; another node takes over an expired lease
    lease_owner       uuid,
    lease_until       timestamptz,
    created_at        timestamptz not null,
    started_at        timestamptz,
    finished_at       timestamptz
);
create index experiments_org_created on experiments (org_id, created_at desc, id);
create index experiments_live on experiments (created_at) where status in ('queued', 'running');

create table experiment_cases (
    experiment_id         uuid not null references experiments (id) on delete cascade,
    case_id               uuid not null,
    position              bigint not null,
    input                 jsonb not null,
    expected              jsonb,
    recorded              boolean not null,
    status                text not null,
    run_id                uuid,
    run_status            text,
    baseline_run_id       uuid,
    output                jsonb,
    baseline_output       jsonb,
    diff                  jsonb,
    evaluations           jsonb,
    baseline_evaluations  jsonb,
    passed                boolean,
    baseline_passed       boolean,
    cost_usd              numeric(18, 6),
    duration_ms           bigint,
    tokens                bigint,
    baseline_cost_usd     numeric(18, 6),
    baseline_duration_ms  bigint,
    baseline_tokens       bigint,
    evaluation_cost_usd   numeric(18, 6) not null default 0,
    primary key (experiment_id, case_id)
);

create table publish_gates (
    runner_id      uuid primary key,
    org_id         uuid not null references organizations (id) on delete cascade,
    dataset_id     uuid not null,
    min_pass_rate  numeric(6, 5) not null,
    evaluators     jsonb not null,
    updated_at     timestamptz not null
);
