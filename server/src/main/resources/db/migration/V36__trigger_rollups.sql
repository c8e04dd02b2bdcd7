-- Finished runs per hour and trigger type (api, cron, webhook, runner, replay, experiment, ...), so
-- analytics can say what started them: an experiment's runs count under 'experiment'. Maintained by
-- the rollup job beside run_rollups; the runs the job has already passed are counted here once.
create table trigger_rollups (
    org_id       uuid not null,
    hour         timestamptz not null,
    runner_id    uuid not null,
    project_id   uuid,
    trigger_type text not null,
    runs         bigint not null,
    succeeded    bigint not null,
    failed       bigint not null,
    cancelled    bigint not null,
    cost_usd     numeric(18, 6) not null,
    unique nulls not distinct (org_id, hour, runner_id, project_id, trigger_type)
);

insert into trigger_rollups (org_id, hour, runner_id, project_id, trigger_type, runs, succeeded, failed, cancelled, cost_usd)
select r.org_id, date_trunc('hour', r.finished_at, 'UTC'), r.runner_id, r.project_id, r.trigger_type, count(*),
       count(*) filter (where r.status = 'succeeded'), count(*) filter (where r.status = 'failed'),
       count(*) filter (where r.status = 'cancelled'), sum(r.cost_usd)
from runs r, trace_cursors c
where c.name = 'rollup' and r.finished_at is not null and (r.finished_at, r.id) <= (c.at, c.run_id)
group by 1, 2, 3, 4, 5;
