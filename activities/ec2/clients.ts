import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { fromIni, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AccountRegistry } from '../../runtime/accounts';

export interface Ec2Location {
  cloudAccountID: string;
  region: string;
}

export type Ec2ClientFor = (location: Ec2Location) => EC2Client;

export interface Ec2ClientOptions {
  accounts: AccountRegistry;
  /** Endpoint for accounts that set none (AWS_ENDPOINT_URL_EC2: moto, a proxy). */
  defaultEndpoint?: string;
}

/**
 * One cached SDK client per account and region, with that account's
 * credentials: a profile, a role assumed from it (or from the default chain),
 * or the default chain. The SDK's own retries are off (`maxAttempts: 1`):
 * Temporal's retry policy owns retrying, so a throttled call is retried once,
 * visibly, with the workflow's backoff.
 */
export function createEc2Clients(options: Ec2ClientOptions): Ec2ClientFor {
  const clients = new Map<string, EC2Client>();
  return ({ cloudAccountID, region }) => {
    const key = `${cloudAccountID}/${region}`;
    let client = clients.get(key);
    if (!client) {
      const account = options.accounts.aws(cloudAccountID);
      let credentials: EC2ClientConfig['credentials'] = account?.profile
        ? fromIni({ profile: account.profile })
        : undefined;
      if (account?.roleArn) {
        credentials = fromTemporaryCredentials({
          masterCredentials: credentials as ReturnType<typeof fromIni> | undefined,
          params: { RoleArn: account.roleArn, ExternalId: account.externalId, RoleSessionName: 'lamplighter' },
          clientConfig: { region },
        });
      }
      client = new EC2Client({
        region,
        endpoint: account?.endpoint ?? options.defaultEndpoint,
        credentials,
        maxAttempts: 1,
      });
      clients.set(key, client);
    }
    return client;
  };
}
