-- Written just before a provider call that changes a resource, so that an
-- activity retried after a crash knows the change was its own: the history
-- then records the transition (with the state before it) instead of a no-op.
CREATE TABLE provider_calls (
  action_id      text NOT NULL REFERENCES actions (id),
  step           text NOT NULL,
  previous_state text NOT NULL,
  issued_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (action_id, step)
);
