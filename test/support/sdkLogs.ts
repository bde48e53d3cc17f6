import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

/** The SDK logs every expected activity failure; tests want only real errors. Once per process. */
export function quietSdkLogs(): void {
  if (installed) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  installed = true;
}
