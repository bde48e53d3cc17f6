import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** The SDK logs every expected activity failure; tests want only real errors (TEST_SDK_LOG_LEVEL=WARN shows them). Once per process. */
export function quietSdkLogs(): void {
  if (installed) return;
  Runtime.install({ logger: new DefaultLogger((process.env.TEST_SDK_LOG_LEVEL as 'ERROR') ?? 'ERROR') });
  installed = true;
}
