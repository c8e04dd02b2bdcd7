-- Engine bounds (issue 20). How many times a task's lease ran out: engine-internal tasks are
-- handed back after a lost lease, at most griddle.engine.internal-task-attempts times.
alter table tasks add column expiries int not null default 0;
