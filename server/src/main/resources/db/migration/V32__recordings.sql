-- Issue #18: every run's external calls (model, http, tool calls), compressed, written with the
-- completion of the step that made them. Deleted with their run (run retention).
create table run_calls (
    run_id        uuid not null references runs (id) on delete cascade,
    step_id       text not null,
    attempt       int not null,
    item_index    int not null,
    seq           int not null,
    kind          text not null,
    fingerprint   text not null,
    request       bytea not null,
    response      bytea not null,
    size_bytes    int not null,
    duration_ms   bigint not null,
    cost_usd      numeric(18, 6),
    replayed      boolean not null default false,
    created_at    timestamptz not null,
    primary key (run_id, step_id, item_index, attempt, seq)
);

-- A run started by POST /runs/{id}/replay: which recording answers its calls, and how a call
-- without a recorded answer is treated (strict: the step fails; fallthrough: it goes out live).
create table run_replays (
    run_id         uuid primary key references runs (id) on delete cascade,
    source_run_id  uuid not null,
    mode           text not null
);
