import { spawn, spawnSync } from 'node:child_process';

export interface MotoServer {
  url: string;
  stop(): Promise<void>;
}

/** Installs moto's server from PyPI when it is not on PATH yet. */
export function ensureMotoInstalled(): string {
  const command = process.env.MOTO_SERVER ?? 'moto_server';
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status === 0) return command;
  console.error("moto_server not found: installing 'moto[server]' with pip");
  const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', 'moto[server]>=5,<6'], { stdio: 'inherit' });
  if (pip.status !== 0) throw new Error("pip install 'moto[server]' failed");
  return command;
}

/**
 * moto's server on loopback as a stand-in EC2 endpoint (PyPI `moto[server]`):
 * real EC2 API shapes and state, no cloud account.
 */
export async function startMoto(port: number): Promise<MotoServer> {
  const command = ensureMotoInstalled();
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (e) => reject(new Error(`${command} could not start: ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} (port ${port} in use?)`)));
  });
  const ready = (async () => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      try {
        if ((await fetch(`${url}/moto-api/`)).ok) return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error('moto_server did not answer within 60 s');
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  exited.catch(() => {});
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
