-- Schedules (each entry is a Temporal Schedule), every fire they make, and
-- overrides that hold resources against them.

CREATE TABLE schedules (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES organisations (id),
  name        text NOT NULL,
  -- The validated request, as given (entries, windows, exclusions, policies).
  settings    jsonb NOT NULL,
  -- Bumped on every change; Temporal is in step when synced_version matches.
  version     integer NOT NULL DEFAULT 1,
  synced_version integer NOT NULL DEFAULT 0,
  synced_at   timestamptz,
  -- Entry ids that exist as Temporal Schedules, so a change can delete the gone ones.
  synced_entries text[] NOT NULL DEFAULT '{}',
  deleted_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX schedules_org_name ON schedules (org_id, name) WHERE deleted_at IS NULL;
CREATE INDEX schedules_unsynced ON schedules (updated_at) WHERE synced_version < version;

-- One row per fire, whatever became of it: nothing a schedule does is silent.
CREATE TABLE schedule_runs (
  id             text PRIMARY KEY,
  schedule_id    text NOT NULL REFERENCES schedules (id),
  cron_id        text NOT NULL,
  action         text NOT NULL,
  scheduled_at   timestamptz NOT NULL,
  local_time     text NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('started', 'skipped')),
  reason         text,
  bulk_action_id text,
  action_id      text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (schedule_id, cron_id, scheduled_at)
);
CREATE INDEX schedule_runs_schedule ON schedule_runs (schedule_id, scheduled_at DESC);

-- Ranges a person asked Temporal to backfill: their fires are due now, not late.
CREATE TABLE schedule_backfills (
  schedule_id  text NOT NULL REFERENCES schedules (id),
  from_time    timestamptz NOT NULL,
  to_time      timestamptz NOT NULL,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_backfills_schedule ON schedule_backfills (schedule_id, to_time);

CREATE TABLE overrides (
  id                  text PRIMARY KEY,
  org_id              text NOT NULL REFERENCES organisations (id),
  target_group_id     text,
  target_resource_id  text,
  action              text NOT NULL CHECK (action IN ('start', 'stop')),
  until               timestamptz NOT NULL,
  note                text,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'cancelled')),
  cancel_requested    boolean NOT NULL DEFAULT false,
  created_by          text NOT NULL,
  workflow_started_at timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  ended_at            timestamptz
);
CREATE INDEX overrides_org_status ON overrides (org_id, status, until);

CREATE TABLE override_resources (
  override_id text NOT NULL REFERENCES overrides (id),
  resource_id text NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
  PRIMARY KEY (override_id, resource_id)
);
CREATE INDEX override_resources_resource ON override_resources (resource_id);

-- Bulk actions started by schedules and overrides say so.
ALTER TABLE bulk_actions
  ADD COLUMN reason      text NOT NULL DEFAULT 'bulk',
  ADD COLUMN schedule_id text;
