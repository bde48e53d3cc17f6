-- Inventory (resources, groups with tiers), bulk actions, and the shared rate
-- limit buckets of provider calls.

CREATE TABLE resources (
  id               text PRIMARY KEY,
  org_id           text NOT NULL REFERENCES organisations (id),
  resource_uid     text NOT NULL,
  provider         text NOT NULL,
  resource_type    text NOT NULL,
  cloud_account_id text NOT NULL,
  region           text NOT NULL,
  name             text,
  tags             jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, provider, cloud_account_id, region, resource_uid)
);
CREATE INDEX resources_org_created ON resources (org_id, created_at, id);

CREATE TABLE resource_groups (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES organisations (id),
  name        text NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);

CREATE TABLE group_members (
  group_id    text NOT NULL REFERENCES resource_groups (id) ON DELETE CASCADE,
  resource_id text NOT NULL REFERENCES resources (id),
  tier        integer NOT NULL,
  "order"     integer NOT NULL,
  PRIMARY KEY (group_id, resource_id)
);
CREATE INDEX group_members_resource ON group_members (resource_id);

CREATE TABLE bulk_actions (
  id                  text PRIMARY KEY,
  org_id              text NOT NULL REFERENCES organisations (id),
  group_id            text NOT NULL,
  type                text NOT NULL CHECK (type IN ('start', 'stop')),
  failure_policy      text NOT NULL CHECK (failure_policy IN ('continue', 'halt', 'compensate')),
  concurrency         integer NOT NULL,
  status              text NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'completed', 'halted', 'compensating', 'compensated')),
  total               integer NOT NULL,
  changed_by          text NOT NULL,
  idempotency_key     text,
  request_hash        text,
  workflow_started_at timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  completed_at        timestamptz,
  UNIQUE (org_id, idempotency_key)
);
CREATE INDEX bulk_actions_org_created ON bulk_actions (org_id, created_at DESC);
CREATE INDEX bulk_actions_unstarted ON bulk_actions (created_at) WHERE workflow_started_at IS NULL;

-- A bulk action's members are actions like any other; `forward` ones do what
-- was asked, `compensate` ones undo it.
ALTER TABLE actions
  ADD COLUMN resource_id    text,
  ADD COLUMN bulk_action_id text REFERENCES bulk_actions (id),
  ADD COLUMN bulk_tier      integer,
  ADD COLUMN bulk_order     integer,
  ADD COLUMN bulk_phase     text CHECK (bulk_phase IN ('forward', 'compensate')),
  -- Failed without being tried: its bulk action halted or compensated first.
  ADD COLUMN not_run        boolean NOT NULL DEFAULT false;
CREATE INDEX actions_bulk ON actions (bulk_action_id, bulk_phase, bulk_tier, bulk_order, seq)
  WHERE bulk_action_id IS NOT NULL;
-- A resource appears once per phase of a bulk action: compensations are
-- created idempotently.
CREATE UNIQUE INDEX actions_bulk_resource ON actions (bulk_action_id, bulk_phase, resource_key)
  WHERE bulk_action_id IS NOT NULL;

-- Token buckets shared by every worker: one per provider, account and region.
CREATE TABLE rate_buckets (
  key        text PRIMARY KEY,
  tokens     double precision NOT NULL,
  updated_at timestamptz NOT NULL,
  -- Whether the last take found enough tokens (answered by the same statement).
  taken      boolean NOT NULL
);
