import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import type { AccountRegistry } from '../runtime/accounts';
import type { Logger } from '../runtime/logger';

/** What the API needs from the outside world; tests pass real ones with test settings. */
export interface AppDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
  accounts: AccountRegistry;
  log: Logger;
}
