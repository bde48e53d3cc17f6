import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real servers for tests and benchmarks, on loopback: the Temporal dev server,
 * a PostgreSQL cluster from Debian's package, moto's EC2 server
 * (scripts/moto.ts, which `npm start -- --moto` uses too), and a
 * kube-apiserver with etcd (kube-dev.sh).
 */

export { startMoto } from '../../scripts/moto';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Service {
  url: string;
  stop(): Promise<void>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A Temporal dev server with the project's search attributes, via temporal-dev.sh (in memory unless told). */
export async function startTemporal(port: number, options: { sqliteFile?: boolean } = {}): Promise<Service> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lamplighter-temporal-'));
  const env = {
    ...process.env,
    TEMPORAL_PORT: String(port),
    TEMPORAL_HEADLESS: '1',
    TEMPORAL_IN_MEMORY: options.sqliteFile ? '0' : '1',
    TEMPORAL_DATA_DIR: dataDir,
  };
  const script = path.join(root, 'temporal-dev.sh');
  run(script, ['start'], env);
  return {
    url: `127.0.0.1:${port}`,
    async stop() {
      run(script, ['stop'], env);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(base, v, 'bin')).find((dir) => existsSync(path.join(dir, 'initdb')));
  if (!found) throw new Error('PostgreSQL server binaries not found: apt-get install postgresql (or set PG_BIN_DIR)');
  return found;
}

/**
 * A throwaway PostgreSQL cluster. initdb refuses to run as root, so as root
 * the cluster belongs to the `postgres` system user. Durability is switched
 * off: it is a test database.
 */
export async function startPostgres(port: number): Promise<Service> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'lamplighter-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
  if (asRoot) run('chown', ['postgres', dir]);
  as(path.join(bin, 'initdb'), ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
  as(path.join(bin, 'pg_ctl'), ['-D', dir, '-o', options, '-l', path.join(dir, 'server.log'), '-w', 'start']);
  as(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'lamplighter']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/lamplighter`,
    async stop() {
      as(path.join(bin, 'pg_ctl'), ['-D', dir, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A real kube-apiserver and etcd with an empty cluster, via kube-dev.sh. Its
 * `url` is the kubeconfig path (contexts admin, lamplighter, nobody).
 */
export async function startKubeApiserver(apiPort: number, etcdPort: number): Promise<Service> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lamplighter-kube-'));
  const env = { ...process.env, KUBE_DATA_DIR: dataDir, KUBE_API_PORT: String(apiPort), ETCD_PORT: String(etcdPort) };
  const script = path.join(root, 'kube-dev.sh');
  const kubeconfig = run(script, ['start'], env).trim();
  return {
    url: kubeconfig,
    async stop() {
      run(script, ['stop'], env);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
