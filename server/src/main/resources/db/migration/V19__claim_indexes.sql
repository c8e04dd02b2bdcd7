-- The claims read only their own share of the ready tasks, in ready_at order, however many of the
-- other kind wait: a node's claim (local kinds, no labels) and a worker's claim (task steps or
-- labelled steps, per organization) each get a partial index over exactly the rows they may take.
-- tasks_ready (every unleased task) stays for nextReadyAt.
create index tasks_ready_local on tasks (ready_at) where lease_owner is null and not held and runs_on = '{}' and kind <> 'task';
create index tasks_ready_remote on tasks (org_id, ready_at) where lease_owner is null and not held and (kind = 'task' or runs_on <> '{}');
