-- Projects as a boundary (docs/security.md "Projects").

-- Names are unique per project, so a 409 on a name never reveals another project's runner or agent.
-- "nulls not distinct": the org-level ones (no project) are one namespace too.
alter table runners drop constraint runners_org_id_name_key;
alter table runners add constraint runners_org_project_name_key unique nulls not distinct (org_id, project_id, name);
alter table agents drop constraint agents_org_id_name_key;
alter table agents add constraint agents_org_project_name_key unique nulls not distinct (org_id, project_id, name);

-- The projects whose runs may resolve a secret; empty = every project (and runs in no project).
alter table secrets add column project_ids uuid[] not null default '{}';

-- A task carries its run's project: a worker key limited to projects claims only their tasks, and a
-- step's secrets are those available to that project.
alter table tasks add column project_id uuid;
update tasks t set project_id = r.project_id from runs r where r.id = t.run_id;
