import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.stop());

function npmRun(script: string, args: string[], env: Record<string, string>) {
  return spawnSync('npx', ['tsx', script, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run token', () => {
  it('creates a working token for a user of an organisation and shows it once', async () => {
    const org = `cli-${Date.now()}`;
    const created = npmRun('scripts/token.ts', ['create', '--email', 'ops@example.com', '--org', org], {
      DATABASE_URL: inject('databaseUrl'),
    });
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^llt_/);
    const res = await h.request('GET', '/state-history', { token });
    expect(res.status).toBe(200);

    const listed = npmRun('scripts/token.ts', ['list'], { DATABASE_URL: inject('databaseUrl') });
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('ops@example.com');
    expect(listed.stdout).not.toContain(token);
  });

  it('refuses a bad email with the field named', () => {
    const result = npmRun('scripts/token.ts', ['create', '--email', 'not-an-email', '--org', 'x'], {
      DATABASE_URL: inject('databaseUrl'),
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--email');
  });
});

describe('configuration', () => {
  it('a process with a bad setting says which and exits without a stack trace', () => {
    const result = npmRun('api/main.ts', [], {
      PORT: 'eighty',
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_API_KEY: 'sekrit',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT: must be a port number from 1 to 65535');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr + result.stdout).not.toContain('sekrit');
  });
});
