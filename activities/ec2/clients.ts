import { EC2Client } from '@aws-sdk/client-ec2';

export interface Ec2Location {
  cloudAccountID: string;
  region: string;
}

export type Ec2ClientFor = (location: Ec2Location) => EC2Client;

export interface Ec2ClientOptions {
  /** Overrides the EC2 endpoint (moto, a proxy, a VPC endpoint). */
  endpoint?: string;
}

/**
 * One cached SDK client per account and region. The SDK's own retries are
 * off (`maxAttempts: 1`): Temporal's retry policy owns retrying, so a
 * throttled call is retried once, visibly, with the workflow's backoff.
 */
export function createEc2Clients(options: Ec2ClientOptions): Ec2ClientFor {
  const clients = new Map<string, EC2Client>();
  return ({ cloudAccountID, region }) => {
    const key = `${cloudAccountID}/${region}`;
    let client = clients.get(key);
    if (!client) {
      client = new EC2Client({ region, endpoint: options.endpoint, maxAttempts: 1 });
      clients.set(key, client);
    }
    return client;
  };
}
