-- Organisations, API tokens, actions (also the per-resource queue) and the
-- state history that serves the audit trail.

CREATE TABLE organisations (
  id         text PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
  id           text PRIMARY KEY,
  org_id       text NOT NULL REFERENCES organisations (id),
  email        text NOT NULL,
  label        text,
  -- sha256 of the token; the token itself is shown once and never stored.
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- An action is written by the API before its workflow starts (the intent);
-- the workflow then moves it pending -> running -> succeeded|failed.
-- Active rows of one resource_key form that resource's queue, ordered by seq.
CREATE TABLE actions (
  id               text PRIMARY KEY,
  seq              bigserial NOT NULL UNIQUE,
  org_id           text NOT NULL REFERENCES organisations (id),
  type             text NOT NULL CHECK (type IN ('start', 'stop')),
  resource_uid     text NOT NULL,
  provider         text NOT NULL,
  resource_type    text NOT NULL,
  cloud_account_id text NOT NULL,
  region           text NOT NULL,
  resource_key     text NOT NULL,
  reason           text NOT NULL,
  changed_by       text NOT NULL,
  schedule_id      text,
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
  error_message    text,
  idempotency_key  text,
  request_hash     text,
  -- Set once the workflow is known to exist; the reconciler starts the rest.
  workflow_started_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  completed_at     timestamptz,
  UNIQUE (org_id, idempotency_key)
);
CREATE INDEX actions_queue ON actions (resource_key, seq) WHERE status IN ('pending', 'running');
CREATE INDEX actions_org_created ON actions (org_id, created_at DESC);
CREATE INDEX actions_unstarted ON actions (created_at) WHERE workflow_started_at IS NULL AND status = 'pending';

CREATE TABLE state_history (
  id               text PRIMARY KEY,
  seq              bigserial NOT NULL UNIQUE,
  org_id           text NOT NULL REFERENCES organisations (id),
  action_id        text REFERENCES actions (id),
  -- One row per (action, step): a retried or replayed write is a no-op.
  dedupe_key       text NOT NULL UNIQUE,
  resource_uid     text NOT NULL,
  state            text NOT NULL,
  changed_at       timestamptz NOT NULL,
  changed_by       text NOT NULL,
  changed_by_type  text NOT NULL,
  schedule_id      text,
  execution_state  jsonb,
  error_message    text
);
CREATE INDEX state_history_org_time ON state_history (org_id, changed_at, seq);
CREATE INDEX state_history_org_resource ON state_history (org_id, resource_uid, changed_at, seq);
CREATE INDEX state_history_org_type ON state_history (org_id, changed_by_type, changed_at, seq);
