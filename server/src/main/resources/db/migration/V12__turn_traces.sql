-- Traces of chat-thread turns. Each answer keeps the log of its model and tool calls with their
-- timings (written where its usage already is: once per model call, by the heartbeat, and when the
-- turn ends; never per token), and why it failed. An answer is a trace: trace id = message id.
alter table thread_messages
    add column trace jsonb not null default '[]',
    add column error jsonb;

-- The OTLP exporter walks finished answers in (finished_at, id) order, as it walks runs.
create index thread_messages_finished on thread_messages (finished_at, id) where role = 'assistant' and finished_at is not null;
-- The trace list of a thread or an organization, newest first.
create index thread_messages_answers on thread_messages (org_id, created_at desc, id) where role = 'assistant';

-- An evaluation scores a run or an answer.
alter table evaluations
    alter column run_id drop not null,
    add column message_id uuid references thread_messages (id) on delete cascade,
    add constraint evaluations_one_trace check (num_nonnulls(run_id, message_id) = 1);
create index evaluations_message on evaluations (message_id, created_at) where message_id is not null;
