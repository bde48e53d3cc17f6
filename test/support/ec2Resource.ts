/** The resource fields of a moto instance in the test account and region. */
export const ec2Resource = (resourceUID: string, cloudAccountID = 'ca_test') => ({
  resourceUID,
  provider: 'aws' as const,
  resourceType: 'aws-ec2' as const,
  cloudAccountID,
  region: 'us-east-1',
});
