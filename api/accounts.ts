import type { Caller } from '../db/tokens';
import { AppError } from '../domain/errors';
import type { AccountRegistry } from '../runtime/accounts';

/** An organisation acts only on the cloud accounts and clusters configured for it. */
export function assertAccountAllowed(
  accounts: AccountRegistry,
  caller: Caller,
  ref: { provider: string; cloudAccountID: string },
): void {
  if (accounts.allows(caller.orgName, ref.provider, ref.cloudAccountID)) return;
  const message = `no ${ref.provider} account ${ref.cloudAccountID} is configured for your organisation`;
  throw new AppError('validation_failed', `Invalid request body: body.cloudAccountID: ${message}`, [
    { path: 'body.cloudAccountID', message },
  ]);
}
