import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import type { Logger } from '../runtime/logger';

/** What the API needs from the outside world; tests pass real ones with test settings. */
export interface AppDeps {
  sql: Sql;
  temporal: Client;
  taskQueue: string;
  log: Logger;
}
