-- Engine bounds (issue 20). How many times a task's lease ran out: engine-internal tasks are
-- handed back after a lost lease, at most griddle.engine.internal-task-attempts times.
alter table tasks add column expiries int not null default 0;

-- Runs accepted while their organization had griddle.engine.max-live-runs-per-org live runs: they
-- stay queued, not started, until the admitter starts them (oldest first) as capacity frees.
create table deferred_runs (
    run_id     uuid primary key references runs (id) on delete cascade,
    org_id     uuid not null,
    created_at timestamptz not null
);
create index deferred_runs_org on deferred_runs (org_id, created_at);
