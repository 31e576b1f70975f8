// Membership from the chain against @peg/devnet (a child process): members appear once their
// keys are registered, a key announcement switches the messaging key at once (the old one and
// its tokens refused), a restart keeps announcements, and a member removed on chain is refused
// within one refresh.
import { join } from 'node:path';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { KeyDirectory } from '@peg/protocol';
import {
  createStacksClient,
  registerSignerKeyCall,
  type StacksClient,
  setSignerWeightCall,
} from '@peg/stacks-client';
import { AnnouncementsResponse, announceKey, seal, signRelayRequest } from '@peg/wire';
import { getAddressFromPrivateKey } from '@stacks/transactions';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ChainMembers } from '../src/chain-members.ts';
import { SqliteStore } from '../src/store/sqlite.ts';
import { type DevnetProcess, startDevnetProcess } from './devnet-process.ts';
import { sqliteRelay, tempDir } from './helpers.ts';
import { startRelay as startRelayProcess } from './relay-process.ts';

// The published Clarinet devnet deployer key (a public test value that holds nothing anywhere;
// the same as apps/devnet/test/stacks-keys.ts).
const DEPLOYER_KEY = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a601';
const FEDERATION = 'chain';

/** Test operator i: a Stacks key (registered on chain) and messaging keys per rotation. */
function operator(i: number) {
  const stacks = new Uint8Array(32).fill(0x30 + i);
  const stacksHex = `${bytesToHex(stacks)}01`; // stacks.js: 01 = compressed public key
  return {
    stacks,
    address: getAddressFromPrivateKey(stacksHex, 'testnet'),
    stacksHex,
    registered: bytesToHex(secp256k1.getPublicKey(stacks, true)),
    messaging: (rotation: number) => new Uint8Array(32).fill(0x60 + 8 * i + rotation),
  };
}
type Operator = ReturnType<typeof operator>;

/** The key-announcement envelope of `op` as party `party`, sealed with its registered key. */
function announcement(op: Operator, party: number, sequence: number, rotation: number) {
  return seal(
    {
      kind: 'key-announcement',
      sender: { partyId: party, publicKey: schnorr.getPublicKey(op.stacks) },
      chainTip: { height: 1, hash: new Uint8Array(32) },
      payload: announceKey(party, sequence, op.messaging(rotation)),
    },
    op.stacks,
  );
}

/** A signed request as member `id` with `secret`. */
async function signedAs(
  app: FastifyInstance,
  id: string,
  secret: Uint8Array,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
) {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  return app.inject({
    method,
    url,
    headers: {
      authorization: signRelayRequest(secret, {
        federation: FEDERATION,
        method,
        pathAndQuery: url,
        body: new TextEncoder().encode(body),
        timestamp: app.relay.now(),
        party: id,
      }),
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload: body }),
  });
}

async function token(app: FastifyInstance, id: string, secret: Uint8Array): Promise<string> {
  const res = await signedAs(app, id, secret, 'POST', '/v1/auth/token');
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

const withToken = (app: FastifyInstance, t: string, url: string) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${t}` } });

describe('membership from the chain (devnet)', () => {
  let devnet: DevnetProcess;
  const deployer = getAddressFromPrivateKey(DEPLOYER_KEY, 'testnet');
  let stacks: StacksClient;
  const dir = tempDir('peg-relay-chain-');
  const file = join(dir.dir, 'relay.sqlite');
  const ops = [operator(1), operator(2)];
  let app: FastifyInstance | undefined;
  let chain: ChainMembers;

  async function deployerCalls(calls: Parameters<StacksClient['buildCall']>[0][]) {
    let { possibleNextNonce: nonce } = await stacks.getNonces(deployer);
    for (const call of calls) {
      await stacks.broadcast(
        await stacks.buildCall(call, { senderKey: DEPLOYER_KEY, nonce: nonce++, fee: 5_000n }),
      );
    }
    await devnet.mine(1);
  }

  async function startRelay(): Promise<FastifyInstance> {
    const store = new SqliteStore(file);
    chain = new ChainMembers({ federation: FEDERATION, registry: stacks, store });
    await chain.refresh();
    const built = await buildApp({ store, chain, docs: false });
    await built.ready();
    return built;
  }

  beforeAll(async () => {
    devnet = await startDevnetProcess(); // in memory, on 127.0.0.1 port 0, mining on demand
    stacks = createStacksClient({
      nodeUrl: devnet.stacksUrl,
      network: 'devnet',
      contracts: { address: deployer },
    });
    for (const op of ops) {
      const res = await fetch(`${devnet.stacksUrl}/extended/v1/faucets/stx?address=${op.address}`, {
        method: 'POST',
      });
      expect(res.status).toBe(200);
    }
    await deployerCalls(ops.map((op, k) => setSignerWeightCall(op.address, k + 1)));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await devnet?.stop();
    dir.cleanup();
  });

  it('members appear once their keys are registered: P and P-coordinator, registered key', async () => {
    app = await startRelay();
    // Admitted, but no key registered yet: no party, no member.
    expect(app.relay.membership().members.size).toBe(0);
    const early = await signedAs(app, '1', ops[0]!.stacks, 'POST', '/v1/auth/token');
    expect(early.statusCode).toBe(401);

    for (const op of ops) {
      await stacks.broadcast(
        await stacks.buildCall(registerSignerKeyCall(op.registered), {
          senderKey: op.stacksHex,
          nonce: 0n,
          fee: 5_000n,
        }),
      );
    }
    await devnet.mine(1);
    await chain.refresh();
    expect([...app.relay.membership().members.keys()].sort()).toEqual([
      '1',
      '1-coordinator',
      '2',
      '2-coordinator',
    ]);
    expect(app.relay.membership().members.get('2-coordinator')?.party).toBe('2');
    // Both processes of operator 1 authenticate with its registered key (x-only).
    await token(app, '1', ops[0]!.stacks);
    await token(app, '1-coordinator', ops[0]!.stacks);
    // Operator 2's key is not operator 1's.
    const wrong = await signedAs(app, '1', ops[1]!.stacks, 'POST', '/v1/auth/token');
    expect(wrong.statusCode).toBe(401);
  });

  it('a key announcement switches the messaging key at once; the old one and its tokens are refused', async () => {
    const a = app as FastifyInstance;
    const op = ops[0]!;
    const registeredToken = await token(a, '1', op.stacks);
    const post = (id: string, envelope: Uint8Array) =>
      a.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { authorization: `Bearer ${registeredToken}`, 'content-type': 'application/json' },
        payload: { id, to: 'all', envelope: bytesToHex(envelope) },
      });
    // Before: the messaging key is no key of member 1.
    expect((await signedAs(a, '1', op.messaging(0), 'POST', '/v1/auth/token')).statusCode).toBe(
      401,
    );
    expect((await post('ann-1', announcement(op, 1, 1000, 0))).statusCode).toBe(200);
    const t0 = await token(a, '1', op.messaging(0));
    const t0c = await token(a, '1-coordinator', op.messaging(0));
    expect((await withToken(a, t0, '/v1/inboxes/1')).statusCode).toBe(200);

    // A junk announcement (sealed by the messaging key, not the registered one) changes nothing.
    const forged = seal(
      {
        kind: 'key-announcement',
        sender: { partyId: 1, publicKey: schnorr.getPublicKey(op.messaging(5)) },
        chainTip: { height: 1, hash: new Uint8Array(32) },
        payload: announceKey(1, 5000, op.messaging(5)),
      },
      op.messaging(5),
    );
    expect((await post('forged', forged)).statusCode).toBe(200); // delivered; receivers refuse it
    expect((await signedAs(a, '1', op.messaging(5), 'POST', '/v1/auth/token')).statusCode).toBe(
      401,
    );
    // A stale one (lower sequence) changes nothing either.
    expect((await post('stale', announcement(op, 1, 999, 3))).statusCode).toBe(200);
    expect((await signedAs(a, '1', op.messaging(3), 'POST', '/v1/auth/token')).statusCode).toBe(
      401,
    );

    // Rotation: sequence 1001 names messaging key 1.
    const rotated = await post('ann-2', announcement(op, 1, 1001, 1));
    expect(rotated.statusCode).toBe(200);
    expect((await withToken(a, t0, '/v1/inboxes/1')).statusCode).toBe(401);
    expect((await withToken(a, t0c, '/v1/inboxes/1-coordinator')).statusCode).toBe(401);
    expect((await signedAs(a, '1', op.messaging(0), 'POST', '/v1/auth/token')).statusCode).toBe(
      401,
    );
    const t1 = await token(a, '1', op.messaging(1));
    expect((await withToken(a, t1, '/v1/inboxes/1')).statusCode).toBe(200);
    // The registered key still authenticates (a process re-announcing after losing its key).
    expect((await withToken(a, registeredToken, '/v1/inboxes/1')).statusCode).toBe(200);

    // GET /v1/announcements: the exact envelope, which a process re-verifies itself.
    const res = await withToken(a, t1, '/v1/announcements');
    expect(res.statusCode).toBe(200);
    const body = AnnouncementsResponse.parse(res.json());
    expect(body.announcements.map((x) => [x.party, x.sequence])).toEqual([['1', 1001]]);
    const own = new KeyDirectory(await stacks.getSignerCandidates());
    expect(own.applyAnnouncement(hexToBytes(body.announcements[0]!.envelope)).ok).toBe(true);
    expect(own.messagingKey(1)).toBe(bytesToHex(schnorr.getPublicKey(op.messaging(1))));
  });

  it('a restarted relay keeps the announcements (stored in SQLite)', async () => {
    await app?.close();
    app = await startRelay();
    const op = ops[0]!;
    expect((await signedAs(app, '1', op.messaging(0), 'POST', '/v1/auth/token')).statusCode).toBe(
      401,
    );
    const t1 = await token(app, '1', op.messaging(1));
    const res = await withToken(app, t1, '/v1/announcements');
    expect(res.json().announcements.map((x: { sequence: number }) => x.sequence)).toEqual([1001]);
  });

  it('a member removed on chain is refused within one refresh, tokens included', async () => {
    const a = app as FastifyInstance;
    const op2 = ops[1]!;
    const t2 = await token(a, '2', op2.stacks);
    const t2c = await token(a, '2-coordinator', op2.stacks);
    expect((await withToken(a, t2, '/v1/inboxes/2')).statusCode).toBe(200);
    const stop = new AbortController();
    const watching = chain.watch({ signal: stop.signal, intervalMs: 20 });
    try {
      await deployerCalls([setSignerWeightCall(op2.address, 0)]);
      const deadline = Date.now() + 10_000;
      while (a.relay.membership().members.has('2')) {
        if (Date.now() > deadline) throw new Error('removal not seen');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await withToken(a, t2, '/v1/inboxes/2')).statusCode).toBe(401);
      expect((await withToken(a, t2c, '/v1/inboxes/2-coordinator')).statusCode).toBe(401);
      expect((await signedAs(a, '2', op2.stacks, 'POST', '/v1/auth/token')).statusCode).toBe(401);
      // Operator 1 (before it in the registry) keeps its id and its announcement.
      expect(
        (await signedAs(a, '1', ops[0]!.messaging(1), 'POST', '/v1/auth/token')).statusCode,
      ).toBe(200);
    } finally {
      stop.abort();
      await watching;
    }
  });
  it('peg-relay --members-from-chain: the process follows the chain and restores announcements', async () => {
    await app?.close(); // the SQLite file is locked by one process at a time
    app = undefined;
    const relay = await startRelayProcess([
      '--members-from-chain',
      devnet.stacksUrl,
      '--contracts',
      deployer,
      '--federation',
      FEDERATION,
      '--chain-interval',
      '50',
      '--store',
      `sqlite:${file}`,
    ]);
    try {
      const tokenOver = async (id: string, secret: Uint8Array) => {
        const res = await fetch(`${relay.url}/v1/auth/token`, {
          method: 'POST',
          headers: {
            authorization: signRelayRequest(secret, {
              federation: FEDERATION,
              method: 'POST',
              pathAndQuery: '/v1/auth/token',
              body: new Uint8Array(),
              timestamp: Date.now(),
              party: id,
            }),
          },
        });
        return res.status;
      };
      expect(relay.logs()).toMatch(/"members":"chain"/);
      // Operator 1's announced key (from the store), not its first one; operator 2 is removed.
      expect(await tokenOver('1-coordinator', ops[0]!.messaging(1))).toBe(200);
      expect(await tokenOver('1', ops[0]!.messaging(0))).toBe(401);
      expect(await tokenOver('2', ops[1]!.stacks)).toBe(401);
      // Re-admitted on chain: back within a refresh of the process's own watch.
      await deployerCalls([setSignerWeightCall(ops[1]!.address, 2)]);
      await stacks.broadcast(
        await stacks.buildCall(registerSignerKeyCall(ops[1]!.registered), {
          senderKey: ops[1]!.stacksHex,
          nonce: 1n,
          fee: 5_000n,
        }),
      );
      await devnet.mine(1);
      const deadline = Date.now() + 10_000;
      while ((await tokenOver('2', ops[1]!.stacks)) !== 200) {
        if (Date.now() > deadline) throw new Error(`re-admission not seen:\n${relay.logs()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await relay.stop();
    }
  }, 60_000);

  it('an unreachable Stacks node stops the start with a message naming it (exit 1)', async () => {
    await expect(
      startRelayProcess([
        '--members-from-chain',
        'http://127.0.0.1:1',
        '--contracts',
        deployer,
        '--federation',
        FEDERATION,
        '--store',
        `sqlite:${join(dir.dir, 'other.sqlite')}`,
      ]),
    ).rejects.toThrow(
      /exited with 1[\s\S]*cannot read the signer registry at http:\/\/127\.0\.0\.1:1/,
    );
  }, 60_000);
});

describe('announcements with a members file', () => {
  it('GET /v1/announcements is a 404 naming the chain mode', async () => {
    const relay = await sqliteRelay();
    try {
      const { as } = await import('./helpers.ts');
      const res = await as(relay.app, '1', 'GET', '/v1/announcements');
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toMatch(/members-from-chain/);
    } finally {
      await relay.close();
    }
  });
});
