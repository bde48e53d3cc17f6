import { describe, expect, it } from 'vitest';
import { classifyEc2Error } from '../../activities/ec2/errors';
import { toFailure } from '../../activities/providerFailure';

const awsError = (code: string, status: number, message = 'msg') =>
  Object.assign(new Error(message), { name: code, Code: code, $metadata: { httpStatusCode: status } });

describe('classifyEc2Error', () => {
  it.each([
    ['RequestLimitExceeded', 503, true, true],
    ['InsufficientInstanceCapacity', 500, true, true],
    ['InsufficientInstanceCapacity', 400, true, false],
    ['InvalidInstanceID.NotFound', 400, false, false],
    ['UnauthorizedOperation', 403, false, true],
    ['AuthFailure', 401, false, true],
  ])('%s (HTTP %i): retryable=%s, whole call=%s', (code, status, retryable, callLevel) => {
    expect(classifyEc2Error(awsError(code, status))).toMatchObject({ code, retryable, callLevel });
  });

  it('treats a request that got no answer as retryable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyEc2Error(refused)).toMatchObject({ code: 'ECONNREFUSED', retryable: true, callLevel: true });
  });

  it('turns an error into a Temporal failure typed by the provider code', () => {
    const failure = toFailure(
      classifyEc2Error(awsError('InvalidInstanceID.NotFound', 400, "The instance ID 'i-1' does not exist")),
    );
    expect(failure.type).toBe('InvalidInstanceID.NotFound');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe("InvalidInstanceID.NotFound: The instance ID 'i-1' does not exist");
  });
});
