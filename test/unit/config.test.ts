import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../runtime/config';

describe('loadConfig', () => {
  it('has working local defaults', () => {
    const config = loadConfig({});
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'lamplighter',
      apiKey: undefined,
      tls: undefined,
    });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('names every bad variable and why', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', TEMPORAL_ADDRESS: 'temporal.example.com', DATABASE_URL: 'mysql://user:hunter2@x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT: must be a port number from 1 to 65535');
    expect(message).toContain('TEMPORAL_ADDRESS: must be host:port');
    expect(message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(message).not.toContain('hunter2');
  });

  it('wants an mTLS certificate and key together', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: '/c.pem' })).toThrow(
      'TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together',
    );
  });

  it('turns TLS on for Temporal Cloud API keys and keeps the key out of the TLS settings', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'ns.acct',
      TEMPORAL_API_KEY: 'secret',
    });
    expect(config.temporal.tls).toBeDefined();
    expect(config.temporal.apiKey).toBe('secret');
    expect(JSON.stringify(config.temporal.tls)).not.toContain('secret');
  });
});
