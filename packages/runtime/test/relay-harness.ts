// A real relay (@peg/relay's buildApp, SQLite store) on 127.0.0.1, for the relay client tests.
// @peg/relay is an app: the runtime imports it only here, as a devDependency (docs/runtime.md).
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { type BuildAppOptions, buildApp, parseMembership, SqliteStore } from '@peg/relay';

export const FEDERATION = 'runtime-test';

/** Deterministic test key of party i (never use outside tests). */
export function testKey(i: number): Uint8Array {
  const sk = new Uint8Array(32);
  sk[30] = 0x7a;
  sk[31] = i;
  return sk;
}

export const members = (n: number) =>
  parseMembership({
    federation: FEDERATION,
    members: Array.from({ length: n }, (_, i) => ({
      id: String(i + 1),
      key: bytesToHex(schnorr.getPublicKey(testKey(i + 1))),
    })),
  });

type RelayApp = Awaited<ReturnType<typeof buildApp>>;

export type TestRelay = { app: RelayApp; url: string; port: number; kill: () => Promise<void> };

/**
 * Starts the relay over `dir/relay.sqlite` (kept across restarts) on `port` (0: any free one).
 * Every start makes a new random token secret, as a restarted relay process does.
 */
export async function startRelay(
  dir: string,
  port = 0,
  opts: Partial<BuildAppOptions> = {},
): Promise<TestRelay> {
  const store = new SqliteStore(join(dir, 'relay.sqlite'));
  const app = await buildApp({ store, members: members(3), docs: false, logger: false, ...opts });
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address() as AddressInfo;
  return {
    app,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    // As abrupt as a crash for the clients: every open connection is cut, then the store closes.
    kill: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
