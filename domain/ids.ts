import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Opaque, prefixed identifiers (`act_…`, `sh_…`): 20 random base32 characters
 * (100 bits). Not for workflow code, which must stay deterministic.
 */
export function newId(prefix: string): string {
  const bytes = randomBytes(20);
  let id = '';
  for (const byte of bytes) id += alphabet[byte & 31];
  return `${prefix}_${id}`;
}
