import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { signRelayRequest } from '@peg/wire';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type BuildAppOptions, buildApp } from '../src/app.ts';
import { type Membership, parseMembership } from '../src/core/membership.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import type { RelayStore } from '../src/store/types.ts';

/** Deterministic test key of party i (never use outside tests). */
export function secretKey(i: number): Uint8Array {
  const sk = new Uint8Array(32);
  sk[30] = 0x5e;
  sk[31] = i;
  return sk;
}

/** A members-file object: parties '1'..'n' with keys secretKey(i), admin 'ops' = secretKey(200). */
export function membersFile(n: number, federation = 'test', ids?: number[]) {
  const list = ids ?? Array.from({ length: n }, (_, i) => i + 1);
  return {
    federation,
    members: list.map((i) => ({
      id: String(i),
      key: bytesToHex(schnorr.getPublicKey(secretKey(i))),
    })),
    admins: [{ id: 'ops', key: bytesToHex(schnorr.getPublicKey(secretKey(200))) }],
  };
}

export function membership(n: number, federation = 'test'): Membership {
  return parseMembership(membersFile(n, federation));
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'peg-relay-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type TestRelay = {
  app: FastifyInstance;
  store: RelayStore;
  close: () => Promise<void>;
};

/** Listens on 127.0.0.1 on a free port (for tests that need real sockets); returns the port. */
export async function listenLocal(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

/** A relay app over a fresh SQLite file. */
export async function sqliteRelay(opts: Partial<BuildAppOptions> = {}): Promise<TestRelay> {
  const t = tempDir();
  const store = opts.store ?? new SqliteStore(join(t.dir, 'relay.sqlite'));
  const app = await buildApp({ members: membership(4), docs: false, ...opts, store });
  await app.ready();
  return {
    app,
    store,
    close: async () => {
      await app.close();
      t.cleanup();
    },
  };
}

/** The Authorization header of a signed request by party `party` (key secretKey(keyIndex)). */
export function signed(
  app: FastifyInstance,
  party: string,
  keyIndex: number,
  method: string,
  url: string,
  body = '',
  timestamp = app.relay.now(),
): string {
  return signRelayRequest(secretKey(keyIndex), {
    federation: app.relay.membership().federation,
    method,
    pathAndQuery: url,
    body: new TextEncoder().encode(body),
    timestamp,
    party,
  });
}

/** Signed inject as member `party` (numeric ids use their own key unless `keyIndex` is given). */
export async function as(
  app: FastifyInstance,
  party: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  keyIndex = party === 'ops' ? 200 : Number(party),
): Promise<LightMyRequestResponse> {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  return app.inject({
    method,
    url,
    headers: {
      authorization: signed(app, party, keyIndex, method, url, body),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload: body }),
  });
}

/** A token for `party` obtained through the signed token route. */
export async function tokenFor(app: FastifyInstance, party: string): Promise<string> {
  const res = await as(app, party, 'POST', '/v1/auth/token');
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export function hex(s: string): string {
  return Buffer.from(s).toString('hex');
}
