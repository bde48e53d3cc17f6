import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../db/migrate';
import { connectDatabase } from '../../runtime/database';
import { workflowsPath } from '../../worker/createWorker';
import { freePort, freePortPair } from '../support/freePort';
import { KubeFixture } from '../support/kube';
import { startKubeApiserver, startMoto, startPostgres, startTemporal, type Service } from '../support/services';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    motoUrl: string;
    workflowBundlePath: string;
    /** Kubeconfig of the test cluster: contexts admin, lamplighter (granted deploy/kubernetes/rbac.yaml), nobody. */
    kubeconfig: string;
  }
}

const rbacManifest = fileURLToPath(new URL('../../deploy/kubernetes/rbac.yaml', import.meta.url));

/**
 * Starts the real servers every test file shares (each file brings its own
 * worker on its own task queue and its own organisations), applies the
 * migrations and Lamplighter's RBAC manifest, and bundles the workflow code once.
 */
export default async function setup(project: TestProject) {
  const started: Service[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'lamplighter-test-'));
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop().catch((e) => console.error(e));
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const track = (service: Service) => (started.push(service), service);
    const [temporal, postgres, moto, kube, bundle] = await Promise.all([
      freePort().then(startTemporal).then(track),
      freePort().then(startPostgres).then(track),
      freePort().then(startMoto).then(track),
      Promise.all([freePort(), freePortPair()])
        .then(([api, etcd]) => startKubeApiserver(api, etcd))
        .then(track),
      bundleWorkflowCode({ workflowsPath }),
    ]);
    // The tests act as user `lamplighter` with exactly the RBAC the README documents.
    await new KubeFixture(kube.url).apply(rbacManifest);
    const sql = connectDatabase(postgres.url, { max: 1 });
    await migrate(sql);
    await sql.end();
    const workflowBundlePath = path.join(scratch, 'workflows.js');
    writeFileSync(workflowBundlePath, bundle.code);
    project.provide('temporalAddress', temporal.url);
    project.provide('databaseUrl', postgres.url);
    project.provide('motoUrl', moto.url);
    project.provide('workflowBundlePath', workflowBundlePath);
    project.provide('kubeconfig', kube.url);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}
