import { readFile } from 'node:fs/promises';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalConfig } from './config';

async function tlsOptions(config: TemporalConfig) {
  if (!config.tls) return undefined;
  const { certPath, keyPath, caPath, serverName } = config.tls;
  return {
    serverNameOverride: serverName,
    serverRootCACertificate: caPath ? await readFile(caPath) : undefined,
    clientCertPair: certPath && keyPath ? { crt: await readFile(certPath), key: await readFile(keyPath) } : undefined,
  };
}

async function connectionOptions(config: TemporalConfig): Promise<ConnectionOptions & NativeConnectionOptions> {
  return {
    address: config.address,
    tls: (await tlsOptions(config)) ?? false,
    apiKey: config.apiKey,
    metadata: config.apiKey ? { 'temporal-namespace': config.namespace } : undefined,
  };
}

/** A client for starting, querying and scheduling workflows (API process). */
export async function connectClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect(await connectionOptions(config));
  return new Client({ connection, namespace: config.namespace });
}

/** The native connection a Worker polls on (worker process). */
export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionOptions(config));
}
