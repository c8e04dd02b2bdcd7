-- Skills, plans with todos and their dependencies, agent chat threads and their messages.

create table skills (
    id           uuid primary key,
    org_id       uuid not null references organizations (id) on delete cascade,
    name         text not null,
    description  text,
    instructions text not null,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    unique (org_id, name)
);
create index skills_org_created on skills (org_id, created_at, id);

create table threads (
    id         uuid primary key,
    org_id     uuid not null references organizations (id) on delete cascade,
    agent_id   uuid not null references agents (id) on delete cascade,
    title      text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index threads_agent_created on threads (org_id, agent_id, created_at, id);

-- one row per user message and per assistant answer; status of an answer: streaming, completed, stopped, failed
create table thread_messages (
    id         uuid primary key,
    org_id     uuid not null references organizations (id) on delete cascade,
    thread_id  uuid not null references threads (id) on delete cascade,
    seq        bigint not null,
    role       text not null check (role in ('user', 'assistant')),
    content    text not null,
    status     text not null check (status in ('streaming', 'completed', 'stopped', 'failed')),
    tool_calls jsonb not null default '[]',
    created_at timestamptz not null,
    unique (thread_id, seq)
);

-- a plan belongs to a thread, a run, or neither (no foreign key to runs: plans outlive retention)
create table plans (
    id         uuid primary key,
    org_id     uuid not null references organizations (id) on delete cascade,
    title      text not null,
    thread_id  uuid references threads (id) on delete cascade,
    run_id     uuid,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index plans_org_created on plans (org_id, created_at, id);
create index plans_thread on plans (thread_id) where thread_id is not null;
create index plans_run on plans (run_id) where run_id is not null;

create table plan_todos (
    id         uuid primary key,
    plan_id    uuid not null references plans (id) on delete cascade,
    position   int not null,
    title      text not null,
    status     text not null check (status in ('open', 'in_progress', 'done', 'cancelled')),
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index plan_todos_plan on plan_todos (plan_id, position);

-- todo_id is blocked by blocked_by; both in the same plan, no cycles (checked before insert)
create table plan_todo_deps (
    plan_id    uuid not null references plans (id) on delete cascade,
    todo_id    uuid not null references plan_todos (id) on delete cascade,
    blocked_by uuid not null references plan_todos (id) on delete cascade,
    primary key (todo_id, blocked_by)
);
