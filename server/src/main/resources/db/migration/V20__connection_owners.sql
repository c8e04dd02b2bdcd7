-- Issue #20. The connection link tables get a real foreign key per owner kind instead of an
-- (owner_kind, owner_id) pair no constraint checked: deleting a runner or an agent deletes its
-- links in the same statement, and a link can no longer point at an owner that does not exist.
-- Links whose owner is gone (a runner deleted before this migration left its links behind) or
-- belongs to another organization are dropped, not migrated.

do $$
declare
    link text;
begin
    foreach link in array array['connection_tools', 'connection_settings', 'connection_attachments'] loop
        execute format($sql$
            delete from %I c
            where not exists (select 1 from runners r where c.owner_kind = 'runner' and r.id = c.owner_id and r.org_id = c.org_id)
              and not exists (select 1 from agents a where c.owner_kind = 'agent' and a.id = c.owner_id and a.org_id = c.org_id)
            $sql$, link);
        execute format($sql$
            alter table %I add column runner_id uuid references runners (id) on delete cascade,
                           add column agent_id  uuid references agents (id) on delete cascade
            $sql$, link);
        execute format($sql$
            update %I set runner_id = case owner_kind when 'runner' then owner_id end,
                          agent_id  = case owner_kind when 'agent' then owner_id end
            $sql$, link);
        -- exactly one owner per link
        execute format($sql$
            alter table %I drop constraint %I, drop column owner_kind, drop column owner_id,
                           add constraint %I check (num_nonnulls(runner_id, agent_id) = 1)
            $sql$, link, link || '_pkey', link || '_one_owner');
    end loop;
end $$;

-- One link per owner and tool (setting kind, attached row). A unique key with a null owner column
-- never conflicts, so each key holds for its own kind of owner.
alter table connection_tools
    add constraint connection_tools_runner_key unique (runner_id, tool_id),
    add constraint connection_tools_agent_key unique (agent_id, tool_id);
alter table connection_settings
    add constraint connection_settings_runner_key unique (runner_id, kind),
    add constraint connection_settings_agent_key unique (agent_id, kind);
alter table connection_attachments
    add constraint connection_attachments_runner_key unique (runner_id, kind, ref_id),
    add constraint connection_attachments_agent_key unique (agent_id, kind, ref_id);
-- deleting an MCP server, integration or skill deletes the attachments naming it
create index connection_attachments_ref on connection_attachments (ref_id);

-- A runner's budget goes with the runner too (it had no foreign key either).
delete from runner_budgets b where not exists (select 1 from runners r where r.id = b.runner_id and r.org_id = b.org_id);
alter table runner_budgets add constraint runner_budgets_runner_fkey foreign key (runner_id) references runners (id) on delete cascade;

-- Executors get the run's facts with their task: the runner version, as project_id already is.
alter table tasks add column runner_id uuid, add column runner_version int;
update tasks t set runner_id = r.runner_id, runner_version = r.runner_version from runs r where r.id = t.run_id;
alter table tasks alter column runner_id set not null, alter column runner_version set not null;
