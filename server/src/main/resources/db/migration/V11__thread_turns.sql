-- The turn being played in a thread, recorded so that every node sees it: a second message on any
-- node is refused (409), a stop reaches the owning node, and a turn whose node stopped
-- heartbeating (crashed) is taken over.
alter table threads
    add column turn_id           uuid,
    add column turn_node         text,
    add column turn_heartbeat_at timestamptz;
create index threads_turn_heartbeat on threads (turn_heartbeat_at) where turn_id is not null;
create index threads_turn_node on threads (turn_node) where turn_id is not null;

-- interrupted: the answer's node died while writing it; the text streamed until the last save is kept
alter table thread_messages drop constraint thread_messages_status_check;
alter table thread_messages add constraint thread_messages_status_check
    check (status in ('streaming', 'completed', 'stopped', 'failed', 'interrupted'));

-- an answer's usage, summed over the model calls of its turn; cost from the model catalog's prices
alter table thread_messages
    add column model         text,
    add column model_calls   int not null default 0,
    add column input_tokens  bigint not null default 0,
    add column output_tokens bigint not null default 0,
    add column cost_usd      numeric(18, 6) not null default 0,
    add column finished_at   timestamptz;
create index thread_messages_usage on thread_messages (org_id, finished_at) where role = 'assistant' and model_calls > 0;

-- answers left streaming by a crash before this migration have no turn record to be taken over by
update thread_messages set status = 'interrupted', finished_at = now() where status = 'streaming';
