import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountRegistry } from '../../runtime/accounts';

function file(content: unknown): string {
  const p = path.join(mkdtempSync(path.join(tmpdir(), 'accounts-')), 'accounts.json');
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('accounts file', () => {
  it('loads accounts and answers who may use which', async () => {
    const registry = await AccountRegistry.load(
      file({
        accounts: [
          { id: 'ca_prod', provider: 'aws', orgs: ['acme'], profile: 'prod' },
          { id: 'dev', provider: 'kubernetes', orgs: ['*'], kubeconfig: '/etc/lamplighter/dev.kubeconfig' },
        ],
      }),
    );
    expect(registry.allows('acme', 'aws', 'ca_prod')).toBe(true);
    expect(registry.allows('globex', 'aws', 'ca_prod')).toBe(false);
    expect(registry.allows('globex', 'kubernetes', 'dev')).toBe(true);
    expect(registry.allows('acme', 'aws', 'dev')).toBe(false);
    expect(registry.aws('ca_prod')?.profile).toBe('prod');
    expect(registry.rateLimit('ca_prod')).toEqual({ perSecond: 10, burst: 20 });
  });

  it('names every bad entry', async () => {
    const bad = file({
      accounts: [
        { id: 'a', provider: 'aws', orgs: [], roleArn: 'not-an-arn' },
        { id: 'a', provider: 'kubernetes', orgs: ['x'] },
      ],
    });
    const error = await AccountRegistry.load(bad).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('accounts.0.orgs');
    expect(message).toContain('accounts.0.roleArn: must be an IAM role ARN');
    expect(message).toContain('accounts.1.kubeconfig: set either kubeconfig or inCluster: true');
  });

  it('says which file is unreadable', async () => {
    const error = await AccountRegistry.load(file('{ not json')).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^LAMPLIGHTER_ACCOUNTS_FILE .*accounts\.json: /);
  });

  it('without a file, any AWS account id is allowed (open mode)', () => {
    const open = new AccountRegistry();
    expect(open.allows('anyone', 'aws', 'ca_whatever')).toBe(true);
    expect(open.listFor('anyone')).toEqual([]);
  });
});
