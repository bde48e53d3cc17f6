import { ConfigError, loadConfig } from './config';
import { createLogger, type Logger } from './logger';

/**
 * Runs a process entry point: a bad configuration prints its message alone
 * (no stack), anything else is logged and exits non-zero.
 */
export async function runMain(
  name: string,
  main: (log: Logger) => Promise<void>,
  defaults: NodeJS.ProcessEnv = {},
): Promise<void> {
  let level = 'info';
  try {
    level = loadConfig({ ...defaults, ...process.env }).logLevel;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(level, name);
  try {
    await main(log);
  } catch (error) {
    log.fatal({ err: error }, `${name} failed`);
    process.exit(1);
  }
}

/**
 * Ctrl-C or SIGTERM: stop cleanly once. A terminal's Ctrl-C reaches every
 * process of the group (npm, tsx, node), and tsx relays it too, so the same
 * keypress arrives twice: a repeat within 3 s is that echo; a later one means
 * "stop now" and exits at once.
 */
export function exitOnSignal(log: Logger, stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince > 3_000) process.exit(130);
      return;
    }
    stoppingSince = Date.now();
    log.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
