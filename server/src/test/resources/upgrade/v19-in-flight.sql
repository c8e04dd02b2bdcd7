-- Runs in flight on the V19 schema, row for row as the V19 engine wrote them (recorded from a
-- V19 server with pg_dump, then given fixed ids, times relative to now(), and ${echo} for the
-- base URL of the test's HTTP server). Loaded by UpgradeTest into a database migrated to V19.
--   run ...21  waits on an approval (with a one-hour timeout task)
--   run ...22  waits on a 60 s timer that is due 3 s after this script
--   run ...23  an http step leased to a node that is gone; the lease runs out 2 s after this script
--   run ...24  a for_each over 4 http items: item 0 done, item 1 leased to the gone node, 2 and 3 pending
-- and connection links in the V19 shape (owner_kind, owner_id), two of them to owners that are gone.

insert into organizations (id, name, created_at) values ('a0000000-0000-4000-8000-000000000001', 'org-upgrade', now() - interval '1 hour');
-- the admin key grd_live_UpgradeTestOrgAdminKey000000000000000
insert into api_keys (id, org_id, name, role, project_ids, prefix, secret_hash, instance_admin, expires_at, revoked_at, created_at)
values ('a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'admin', 'admin', null, 'grd_live_Upgr',
        'bedbabf2792ec4de5ed48b540ecd9af125836dea0f593d8a90efcd535eb34f07', false, null, null, now() - interval '1 hour');

insert into runners (id, org_id, project_id, name, description, default_model, input_schema, steps, output, draft_hash, latest_version, created_at, updated_at) values
('a0000000-0000-4000-8000-000000000011', 'a0000000-0000-4000-8000-000000000001', null, 'approve', null, null, null,
 '[{"id": "ask", "type": "approval", "with": {"message": "ship it?", "timeout_ms": 3600000}}, {"id": "after", "type": "transform", "with": {"value": "{{ steps.ask.output.approved }}"}, "needs": ["ask"]}]',
 null, 'c66a813e2b46d2abc736500c8b663e96cef4fd6b7eec1073862579948883a9e1', 1, now() - interval '1 hour', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000012', 'a0000000-0000-4000-8000-000000000001', null, 'wait', null, null, null,
 '[{"id": "pause", "type": "wait", "with": {"duration_ms": 60000}}, {"id": "after", "type": "transform", "with": {"value": "woke"}, "needs": ["pause"]}]',
 null, '3f812e434fc289cf7fff37806fbf5a927a3601023f59c08d0b7fca8c15efffc9', 1, now() - interval '1 hour', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000013', 'a0000000-0000-4000-8000-000000000001', null, 'call', null, null, null,
 '[{"id": "call", "type": "http", "with": {"url": "${echo}/echo/call", "method": "GET"}}, {"id": "after", "type": "transform", "with": {"value": "{{ steps.call.output.status }}"}, "needs": ["call"]}]',
 null, 'd00e74703464dd814a4b22c281c6e283e24edf1b150b72e6cf3830541f641855', 1, now() - interval '1 hour', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000014', 'a0000000-0000-4000-8000-000000000001', null, 'each', null, null, null,
 '[{"id": "fetch", "type": "http", "with": {"url": "{{ item }}", "method": "GET"}, "for_each": "input.urls", "max_parallel": 1}, {"id": "paths", "type": "transform", "with": {"value": "{{ steps.fetch.output.map(o, o.body.path) }}"}, "needs": ["fetch"]}]',
 null, 'b150151fc5b6666193dd2ad2148d0b9aef18c48b4077f89ba46d39b7f19dad01', 1, now() - interval '1 hour', now() - interval '1 hour');

insert into runner_versions (runner_id, version, org_id, name, spec, spec_hash, created_at) values
('a0000000-0000-4000-8000-000000000011', 1, 'a0000000-0000-4000-8000-000000000001', 'approve',
 '{"steps": [{"id": "ask", "if": null, "type": "approval", "with": {"message": "ship it?", "timeout_ms": 3600000}, "needs": [], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": null, "timeout_ms": null, "max_parallel": null}, {"id": "after", "if": null, "type": "transform", "with": {"value": "{{ steps.ask.output.approved }}"}, "needs": ["ask"], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": null, "timeout_ms": null, "max_parallel": null}], "output": null, "input_schema": null, "default_model": null}',
 'c66a813e2b46d2abc736500c8b663e96cef4fd6b7eec1073862579948883a9e1', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000012', 1, 'a0000000-0000-4000-8000-000000000001', 'wait',
 '{"steps": [{"id": "pause", "if": null, "type": "wait", "with": {"duration_ms": 60000}, "needs": [], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": null, "timeout_ms": null, "max_parallel": null}, {"id": "after", "if": null, "type": "transform", "with": {"value": "woke"}, "needs": ["pause"], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": null, "timeout_ms": null, "max_parallel": null}], "output": null, "input_schema": null, "default_model": null}',
 '3f812e434fc289cf7fff37806fbf5a927a3601023f59c08d0b7fca8c15efffc9', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000013', 1, 'a0000000-0000-4000-8000-000000000001', 'call',
 '{"steps": [{"id": "call", "if": null, "type": "http", "with": {"url": "${echo}/echo/call", "method": "GET"}, "needs": [], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": null, "timeout_ms": null, "max_parallel": null}, {"id": "after", "if": null, "type": "transform", "with": {"value": "{{ steps.call.output.status }}"}, "needs": ["call"], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": null, "timeout_ms": null, "max_parallel": null}], "output": null, "input_schema": null, "default_model": null}',
 'd00e74703464dd814a4b22c281c6e283e24edf1b150b72e6cf3830541f641855', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000014', 1, 'a0000000-0000-4000-8000-000000000001', 'each',
 '{"steps": [{"id": "fetch", "if": null, "type": "http", "with": {"url": "{{ item }}", "method": "GET"}, "needs": [], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": "input.urls", "timeout_ms": null, "max_parallel": 1}, {"id": "paths", "if": null, "type": "transform", "with": {"value": "{{ steps.fetch.output.map(o, o.body.path) }}"}, "needs": ["fetch"], "retry": {"backoff": "exponential", "max_attempts": 1, "max_interval_ms": 60000, "initial_interval_ms": 1000}, "runs_on": [], "disabled": false, "for_each": null, "timeout_ms": null, "max_parallel": null}], "output": null, "input_schema": null, "default_model": null}',
 'b150151fc5b6666193dd2ad2148d0b9aef18c48b4077f89ba46d39b7f19dad01', now() - interval '1 hour');

insert into runs (id, org_id, runner_id, runner_version, project_id, status, input, output, error, step_overrides, trigger_type, trigger_id, parent_run_id, parent_step_id, cancel_mode, cost_usd, input_tokens, output_tokens, event_seq, created_at, started_at, finished_at, budget_extra_usd) values
('a0000000-0000-4000-8000-000000000021', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000011', 1, null, 'waiting', '{}', null, null, null, 'api', null, null, null, null, 0, 0, 0, 4, now() - interval '30 seconds', null, null, 0),
('a0000000-0000-4000-8000-000000000022', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000012', 1, null, 'waiting', '{}', null, null, null, 'api', null, null, null, null, 0, 0, 0, 2, now() - interval '57 seconds', null, null, 0),
('a0000000-0000-4000-8000-000000000023', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000013', 1, null, 'running', '{}', null, null, null, 'api', null, null, null, null, 0, 0, 0, 3, now() - interval '28 seconds', now() - interval '28 seconds', null, 0),
('a0000000-0000-4000-8000-000000000024', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000014', 1, null, 'running',
 '{"urls": ["${echo}/echo/0", "${echo}/echo/1", "${echo}/echo/2", "${echo}/echo/3"]}', null, null, null, 'api', null, null, null, null, 0, 0, 0, 3, now() - interval '29 seconds', now() - interval '29 seconds', null, 0);

insert into step_runs (run_id, step_id, status, attempt, output, error, skip_reason, items, started_at, finished_at) values
('a0000000-0000-4000-8000-000000000021', 'ask', 'waiting', 1, null, null, null, null, now() - interval '30 seconds', null),
('a0000000-0000-4000-8000-000000000021', 'after', 'pending', 0, null, null, null, null, null, null),
('a0000000-0000-4000-8000-000000000022', 'pause', 'queued', 1, null, null, null, null, null, null),
('a0000000-0000-4000-8000-000000000022', 'after', 'pending', 0, null, null, null, null, null, null),
('a0000000-0000-4000-8000-000000000023', 'call', 'running', 1, null, null, null, null, now() - interval '28 seconds', null),
('a0000000-0000-4000-8000-000000000023', 'after', 'pending', 0, null, null, null, null, null, null),
('a0000000-0000-4000-8000-000000000024', 'fetch', 'running', 1, null, null, null, 4, now() - interval '29 seconds', null),
('a0000000-0000-4000-8000-000000000024', 'paths', 'pending', 0, null, null, null, null, null, null);

insert into step_items (run_id, step_id, idx, status, attempt, item, output, error) values
('a0000000-0000-4000-8000-000000000024', 'fetch', 0, 'succeeded', 1, '"${echo}/echo/0"',
 '{"body": {"body": null, "path": "/echo/0", "method": "GET"}, "status": 200, "headers": {"content-type": "application/json", "content-length": "45"}}', null),
('a0000000-0000-4000-8000-000000000024', 'fetch', 1, 'queued', 1, '"${echo}/echo/1"', null, null),
('a0000000-0000-4000-8000-000000000024', 'fetch', 2, 'pending', 0, '"${echo}/echo/2"', null, null),
('a0000000-0000-4000-8000-000000000024', 'fetch', 3, 'pending', 0, '"${echo}/echo/3"', null, null);

insert into approvals (id, org_id, run_id, runner_id, step_id, status, message, approved, comment, result, on_timeout, created_at, completed_at, expires_at) values
('a0000000-0000-4000-8000-000000000031', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000021', 'a0000000-0000-4000-8000-000000000011',
 'ask', 'pending', 'ship it?', null, null, null, 'reject', now() - interval '30 seconds', null, now() + interval '3570 seconds');

insert into tasks (id, org_id, run_id, step_id, item_index, attempt, kind, task_type, runs_on, input, timeout_ms, held, ready_at, lease_owner, lease_token, lease_expires_at, claimed_at, created_at, project_id, expiries) values
('a0000000-0000-4000-8000-000000000041', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000021', 'ask', -1, 1, 'approval_timeout', 'approval_timeout', '{}',
 '{"message": "ship it?", "expires_at": "2026-12-01T23:36:06.338154387Z", "approval_id": "a0000000-0000-4000-8000-000000000031"}', null, false,
 now() + interval '3570 seconds', null, null, null, null, now() - interval '30 seconds', null, 0),
('a0000000-0000-4000-8000-000000000042', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000022', 'pause', -1, 1, 'wait', 'wait', '{}',
 '{"duration_ms": 60000}', null, false, now() + interval '3 seconds', null, null, null, null, now() - interval '57 seconds', null, 0),
('a0000000-0000-4000-8000-000000000043', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000023', 'call', -1, 1, 'http', 'http', '{}',
 '{"url": "${echo}/echo/call", "method": "GET"}', null, false, now() - interval '28 seconds', 'node-v19-gone', 1, now() + interval '2 seconds',
 now() - interval '28 seconds', now() - interval '28 seconds', null, 0),
('a0000000-0000-4000-8000-000000000044', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000024', 'fetch', 1, 1, 'http', 'http', '{}',
 '{"url": "${echo}/echo/1", "method": "GET"}', null, false, now() - interval '28 seconds', 'node-v19-gone', 2, now() + interval '2 seconds',
 now() - interval '28 seconds', now() - interval '28 seconds', null, 0);
select setval('lease_tokens', 2);

insert into events (run_id, seq, org_id, type, step_id, data, created_at) values
('a0000000-0000-4000-8000-000000000021', 1, 'a0000000-0000-4000-8000-000000000001', 'run_started', null, '{"trigger": {"id": null, "type": "api"}, "version": 1, "runner_id": "a0000000-0000-4000-8000-000000000011"}', now() - interval '30 seconds'),
('a0000000-0000-4000-8000-000000000021', 2, 'a0000000-0000-4000-8000-000000000001', 'step_started', 'ask', '{"attempt": 1}', now() - interval '30 seconds'),
('a0000000-0000-4000-8000-000000000021', 3, 'a0000000-0000-4000-8000-000000000001', 'approval_requested', 'ask', '{"message": "ship it?", "expires_at": "2026-12-01T23:36:06.338154387Z", "approval_id": "a0000000-0000-4000-8000-000000000031"}', now() - interval '30 seconds'),
('a0000000-0000-4000-8000-000000000021', 4, 'a0000000-0000-4000-8000-000000000001', 'state_changed', null, '{"to": "waiting", "from": "queued"}', now() - interval '30 seconds'),
('a0000000-0000-4000-8000-000000000022', 1, 'a0000000-0000-4000-8000-000000000001', 'run_started', null, '{"trigger": {"id": null, "type": "api"}, "version": 1, "runner_id": "a0000000-0000-4000-8000-000000000012"}', now() - interval '57 seconds'),
('a0000000-0000-4000-8000-000000000022', 2, 'a0000000-0000-4000-8000-000000000001', 'state_changed', null, '{"to": "waiting", "from": "queued"}', now() - interval '57 seconds'),
('a0000000-0000-4000-8000-000000000023', 1, 'a0000000-0000-4000-8000-000000000001', 'run_started', null, '{"trigger": {"id": null, "type": "api"}, "version": 1, "runner_id": "a0000000-0000-4000-8000-000000000013"}', now() - interval '28 seconds'),
('a0000000-0000-4000-8000-000000000023', 2, 'a0000000-0000-4000-8000-000000000001', 'step_started', 'call', '{"attempt": 1}', now() - interval '28 seconds'),
('a0000000-0000-4000-8000-000000000023', 3, 'a0000000-0000-4000-8000-000000000001', 'state_changed', null, '{"to": "running", "from": "queued"}', now() - interval '28 seconds'),
('a0000000-0000-4000-8000-000000000024', 1, 'a0000000-0000-4000-8000-000000000001', 'run_started', null, '{"trigger": {"id": null, "type": "api"}, "version": 1, "runner_id": "a0000000-0000-4000-8000-000000000014"}', now() - interval '29 seconds'),
('a0000000-0000-4000-8000-000000000024', 2, 'a0000000-0000-4000-8000-000000000001', 'step_started', 'fetch', '{"attempt": 1}', now() - interval '29 seconds'),
('a0000000-0000-4000-8000-000000000024', 3, 'a0000000-0000-4000-8000-000000000001', 'state_changed', null, '{"to": "running", "from": "queued"}', now() - interval '29 seconds');

-- Connections in the V19 shape. ...51 is an agent, ...61 a tool, ...71 a skill; ...99 owned nothing
-- any more (its runner or agent was deleted, which left the links behind on V19).
insert into agents (id, org_id, project_id, name, description, model, instructions, temperature, credentials, created_at, updated_at)
values ('a0000000-0000-4000-8000-000000000051', 'a0000000-0000-4000-8000-000000000001', null, 'helper', null, null, null, null, null,
        now() - interval '1 hour', now() - interval '1 hour');
insert into tools (id, org_id, name, description, parameters, http, created_at, updated_at)
values ('a0000000-0000-4000-8000-000000000061', 'a0000000-0000-4000-8000-000000000001', 'lookup', null, '{"type": "object"}',
        '{"url": "${echo}/echo/tool", "method": "GET"}', now() - interval '1 hour', now() - interval '1 hour');
insert into skills (id, org_id, name, description, instructions, created_at, updated_at)
values ('a0000000-0000-4000-8000-000000000071', 'a0000000-0000-4000-8000-000000000001', 'tidy', null, 'Be tidy.', now() - interval '1 hour',
        now() - interval '1 hour');
insert into connection_tools (org_id, owner_kind, owner_id, tool_id, allowed, created_at) values
('a0000000-0000-4000-8000-000000000001', 'runner', 'a0000000-0000-4000-8000-000000000013', 'a0000000-0000-4000-8000-000000000061', true, now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000001', 'agent', 'a0000000-0000-4000-8000-000000000051', 'a0000000-0000-4000-8000-000000000061', false, now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000001', 'runner', 'a0000000-0000-4000-8000-000000000099', 'a0000000-0000-4000-8000-000000000061', true, now() - interval '1 hour');
insert into connection_settings (org_id, owner_kind, owner_id, kind, config, updated_at) values
('a0000000-0000-4000-8000-000000000001', 'agent', 'a0000000-0000-4000-8000-000000000051', 'web',
 '{"enabled": true, "search_enabled": false, "research_enabled": true, "read_enabled": true, "crawl_enabled": true}', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000001', 'runner', 'a0000000-0000-4000-8000-000000000011', 'plan', '{"enabled": true, "remind_on_turn_end": false}', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000001', 'agent', 'a0000000-0000-4000-8000-000000000099', 'web', '{"enabled": true}', now() - interval '1 hour');
insert into connection_attachments (org_id, owner_kind, owner_id, kind, ref_id, config, created_at) values
('a0000000-0000-4000-8000-000000000001', 'runner', 'a0000000-0000-4000-8000-000000000014', 'skills', 'a0000000-0000-4000-8000-000000000071', '{}', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000001', 'agent', 'a0000000-0000-4000-8000-000000000099', 'skills', 'a0000000-0000-4000-8000-000000000071', '{}', now() - interval '1 hour');
insert into runner_budgets (runner_id, org_id, max_cost_usd_per_run, max_cost_usd_per_day, max_tokens_per_run, on_exceed, updated_at) values
('a0000000-0000-4000-8000-000000000013', 'a0000000-0000-4000-8000-000000000001', 5, null, null, 'fail', now() - interval '1 hour'),
('a0000000-0000-4000-8000-000000000099', 'a0000000-0000-4000-8000-000000000001', 5, null, null, 'fail', now() - interval '1 hour');
