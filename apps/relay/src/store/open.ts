import { JetStreamStore } from './jetstream.ts';
import { SqliteStore } from './sqlite.ts';
import type { RelayStore } from './types.ts';

/** A parsed `--store` value. */
export type StoreSpec = { kind: 'sqlite'; file: string } | { kind: 'jetstream'; servers: string[] };

/** Parses `sqlite:<file>` or `nats://host:port[,nats://host:port...]`. */
export function parseStoreSpec(spec: string): StoreSpec {
  if (spec.startsWith('sqlite:')) {
    const file = spec.slice('sqlite:'.length);
    if (file.length === 0) throw new Error('store: sqlite:<file> needs a file name');
    return { kind: 'sqlite', file };
  }
  if (spec.startsWith('nats://')) {
    const servers = spec.split(',').map((s) => s.trim());
    for (const s of servers) {
      if (!/^nats:\/\/[^\s/,]+:[0-9]{1,5}$/.test(s)) {
        // Name the entry without any user:password@ it may carry: errors reach the logs.
        const shown = s.replace(/\/\/[^@/]*@/, '//***@');
        throw new Error(`store: "${shown}" is not nats://<host>:<port>`);
      }
    }
    return { kind: 'jetstream', servers: servers.map((s) => s.slice('nats://'.length)) };
  }
  throw new Error('store: expected sqlite:<file> or nats://<host>:<port>');
}

/** Opens the store a spec names. */
export async function openStore(
  spec: StoreSpec,
  opts: { federation: string; replicas?: number; sqliteCheckpointBytes?: number },
): Promise<RelayStore> {
  if (spec.kind === 'sqlite') {
    return new SqliteStore(
      spec.file,
      opts.sqliteCheckpointBytes !== undefined
        ? { checkpointBytes: opts.sqliteCheckpointBytes }
        : {},
    );
  }
  return JetStreamStore.open({
    servers: spec.servers,
    federation: opts.federation,
    ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
  });
}
