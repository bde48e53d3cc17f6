import { z } from 'zod';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const portMessage = 'must be a port number from 1 to 65535';
const port = z.coerce.number({ error: portMessage }).int(portMessage).min(1, portMessage).max(65535, portMessage);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/**
 * Environment variables, validated once at start; unknown ones are ignored.
 * Messages never echo values: some of them are secrets.
 */
const Env = z
  .object({
    TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('lamplighter'),
    TEMPORAL_API_KEY: optional(z.string()),
    TEMPORAL_TLS: optional(flag),
    TEMPORAL_TLS_CERT: optional(z.string()),
    TEMPORAL_TLS_KEY: optional(z.string()),
    TEMPORAL_TLS_CA: optional(z.string()),
    TEMPORAL_TLS_SERVER_NAME: optional(z.string()),
    DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(8080),
    AWS_ENDPOINT_URL_EC2: optional(z.url()),
    LAMPLIGHTER_EC2_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(5_000),
    LAMPLIGHTER_ACCOUNTS_FILE: optional(z.string()),
    LAMPLIGHTER_DATA_DIR: z.string().min(1).default('.data'),
    LAMPLIGHTER_EMBEDDED_PG_PORT: port.default(5488),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'],
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together (mTLS client certificate and key)',
      });
    }
  });

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
}

export interface Config {
  temporal: TemporalConfig;
  databaseUrl?: string;
  /** Port of the embedded PostgreSQL used when databaseUrl is not set. */
  embeddedPostgresPort: number;
  api: { host: string; port: number };
  aws: { ec2Endpoint?: string; pollIntervalMs: number };
  /** JSON file of cloud accounts and clusters (see domain/cloudAccount.ts); unset: open mode. */
  accountsFile?: string;
  dataDir: string;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `  ${name}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // An API key implies TLS (Temporal Cloud); so does any certificate setting.
  const useTls = e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CERT || e.TEMPORAL_TLS_CA);
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: useTls
        ? {
            certPath: e.TEMPORAL_TLS_CERT,
            keyPath: e.TEMPORAL_TLS_KEY,
            caPath: e.TEMPORAL_TLS_CA,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
    },
    databaseUrl: e.DATABASE_URL,
    embeddedPostgresPort: e.LAMPLIGHTER_EMBEDDED_PG_PORT,
    api: { host: e.HOST, port: e.PORT },
    aws: { ec2Endpoint: e.AWS_ENDPOINT_URL_EC2, pollIntervalMs: e.LAMPLIGHTER_EC2_POLL_MS },
    accountsFile: e.LAMPLIGHTER_ACCOUNTS_FILE,
    dataDir: e.LAMPLIGHTER_DATA_DIR,
    logLevel: e.LOG_LEVEL,
  };
}
