import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../domain/errors';

/** `Idempotency-Key`: a retried POST with the same key and body returns the first result. */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

/** Same body, same hash: key order and whitespace do not matter. */
export function hashRequest(body: unknown): string {
  const canonical = JSON.stringify(body, (_, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
  return createHash('sha256').update(canonical).digest('hex');
}

export function assertSameRequest(stored: string | null, requestHash: string): void {
  if (stored !== requestHash) {
    throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body');
  }
}
