import { readFile } from 'node:fs/promises';
import {
  AccountsFile,
  viewOf,
  type AwsAccount,
  type CloudAccount,
  type CloudAccountView,
  type KubernetesCluster,
  type RateLimit,
} from '../domain/cloudAccount';
import type { Provider } from '../domain/resource';
import { ConfigError } from './config';

/** Provider calls per second per account and region when the account sets no limit. */
export const defaultRateLimit: RateLimit = { perSecond: 10, burst: 20 };

/** Providers usable without an accounts file, with their default credentials. */
const openModeProviders: readonly string[] = ['aws', 'kubernetes'];

/**
 * The cloud accounts and clusters Lamplighter may act on. With an accounts
 * file, only listed accounts exist, each for the organisations it names.
 * Without one (a single team trying it out), any AWS account id is accepted
 * and uses the default credentials, and any cluster id uses the default
 * kubeconfig (KUBECONFIG or ~/.kube/config): its context of that name if
 * there is one, else its current context.
 */
export class AccountRegistry {
  private readonly byId: Map<string, CloudAccount> | undefined;

  constructor(accounts?: CloudAccount[]) {
    this.byId = accounts && new Map(accounts.map((a) => [a.id, a]));
  }

  static async load(path: string | undefined): Promise<AccountRegistry> {
    if (!path) return new AccountRegistry();
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ConfigError(`LAMPLIGHTER_ACCOUNTS_FILE ${path}: ${(error as Error).message}`);
    }
    const parsed = AccountsFile.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
      throw new ConfigError(`Invalid accounts file ${path}:\n${lines.join('\n')}`);
    }
    return new AccountRegistry(parsed.data.accounts);
  }

  /** Whether the organisation may act on this account with this provider. */
  allows(orgName: string, provider: Provider | string, id: string): boolean {
    if (!this.byId) return openModeProviders.includes(provider);
    const account = this.byId.get(id);
    return Boolean(
      account && account.provider === provider && (account.orgs.includes('*') || account.orgs.includes(orgName)),
    );
  }

  listFor(orgName: string): CloudAccountView[] {
    if (!this.byId) return [];
    return [...this.byId.values()].filter((a) => a.orgs.includes('*') || a.orgs.includes(orgName)).map(viewOf);
  }

  aws(id: string): AwsAccount | undefined {
    const account = this.byId?.get(id);
    return account?.provider === 'aws' ? account : undefined;
  }

  /** No accounts file: every account id uses the default credentials. */
  get open(): boolean {
    return !this.byId;
  }

  kubernetes(id: string): KubernetesCluster | undefined {
    const account = this.byId?.get(id);
    return account?.provider === 'kubernetes' ? account : undefined;
  }

  rateLimit(id: string): RateLimit {
    return this.byId?.get(id)?.rateLimit ?? defaultRateLimit;
  }
}
