import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Known secret-bearing fields are censored wherever they
 * appear so that a careless log line cannot leak them.
 */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'apiKey',
        '*.apiKey',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'databaseUrl',
        '*.databaseUrl',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
  });
}
