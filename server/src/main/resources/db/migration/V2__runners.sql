-- Runner definitions: the editable draft lives on the runner row; published versions are immutable.
-- Runs reference runners without a foreign key, so deleting a runner keeps its run history.
create table runners (
    id             uuid primary key,
    org_id         uuid not null references organizations (id) on delete cascade,
    project_id     uuid references projects (id),
    name           text not null,
    description    text,
    default_model  text,
    input_schema   jsonb,
    steps          jsonb not null default '[]',
    output         jsonb,
    -- canonical hash of the draft's spec, compared with runner_versions.spec_hash to skip no-op publishes
    draft_hash     text,
    latest_version int,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    unique (org_id, name)
);
create index runners_org_created on runners (org_id, created_at, id);
create index runners_project on runners (project_id) where project_id is not null;

-- No foreign key to runners: a deleted runner's versions stay, so runs still in flight can reload their graph.
create table runner_versions (
    runner_id  uuid not null,
    version    int not null,
    org_id     uuid not null references organizations (id) on delete cascade,
    name       text not null,
    spec       jsonb not null,
    spec_hash  text not null,
    created_at timestamptz not null,
    primary key (runner_id, version)
);
