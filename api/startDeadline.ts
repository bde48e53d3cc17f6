/**
 * How long a request waits for Temporal to accept a workflow start. Past it,
 * the request still succeeds: the recorded intent is started by the worker's
 * reconciler once Temporal answers.
 */
export const startDeadlineMs = 5_000;
