import {
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';

/** Direct access to moto, bypassing Lamplighter and the fault proxy, to arrange and check tests. */
export class Ec2Fixture {
  private readonly ec2: EC2Client;

  constructor(endpoint: string, region = 'us-east-1') {
    this.ec2 = new EC2Client({ endpoint, region });
  }

  async runInstances(count = 1): Promise<string[]> {
    const { Instances } = await this.ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', InstanceType: 't3.micro', MinCount: count, MaxCount: count }),
    );
    return (Instances ?? []).map((i) => i.InstanceId!);
  }

  async state(instanceId: string): Promise<string | undefined> {
    const page = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return page.Reservations?.[0]?.Instances?.[0]?.State?.Name;
  }

  async stop(instanceId: string): Promise<void> {
    await this.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
  }

  async terminate(instanceId: string): Promise<void> {
    await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
  }
}
