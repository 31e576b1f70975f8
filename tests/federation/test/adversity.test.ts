// A federation of processes under a hostile member and a key change: a member that floods the
// relay with validly signed junk (ids at the edges, lists at and over the limits, coordinator
// kinds it may not send) does not stop the next round; a messaging-key rotation in the middle of
// signing leaves the next rounds working and the old key refused by the relay; a probe in flight
// when the active role moves is answered at once (409), not left in a queue nobody serves.
import { join } from 'node:path';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { Keystore, passwordBytes, RelayClient, RelayClientError } from '@peg/runtime';
import {
  DEFAULT_LIMITS,
  type Recipients,
  seal,
  taprootOutputKey,
  type UnsignedEnvelope,
} from '@peg/wire';
import * as ecc from 'tiny-secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Federation,
  type Operator,
  PASSWORD,
  probe,
  publishedKey,
  startEveryProcess,
  startFederation,
} from './harness/federation.ts';
import { runCli } from './harness/process.ts';

const MAX_ID = 0xffff_ffff;

type Status = { partyId: number; messagingKey: string; activeCoordinator: number | null };

/** The member's identity as its processes hold it now (the keystore in its folder). */
async function identityOf(op: Operator): Promise<Uint8Array> {
  const ks = await Keystore.open(join(op.dir, 'keystore.peg'), passwordBytes(PASSWORD));
  const key = ks.identitySecretKey();
  ks.wipe();
  return key;
}

/** The devnet's Bitcoin tip, as every process reads it (getbestblockhash, getblockcount). */
async function bitcoinTip(fed: Federation): Promise<{ height: number; hash: Uint8Array }> {
  const { url, user, password } = fed.devnet.bitcoin;
  const call = async (method: string) => {
    const r = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ jsonrpc: '1.0', id: method, method, params: [] }),
    });
    return ((await r.json()) as { result: unknown }).result;
  };
  const hash = (await call('getbestblockhash')) as string;
  return { height: (await call('getblockcount')) as number, hash: hexToBytes(hash) };
}

/** A point that is on the curve (the receivers check every point). */
const scalar = (i: number) => hexToBytes((i + 1).toString(16).padStart(64, '0'));
const point = (i: number) => secp256k1.getPublicKey(scalar(i), true);
const bigPoint = (i: number) => secp256k1.getPublicKey(scalar(i), false);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Junk a member can sign: every message passes the wire's schema (so the relay stores it and
 * every receiver pays to open it), none is a move the protocol accepts from this sender.
 */
function junk(
  sender: { partyId: number; publicKey: Uint8Array },
  chainTip: { height: number; hash: Uint8Array },
): { to: Recipients; message: UnsignedEnvelope }[] {
  const head = { sender, chainTip };
  const edge = { dkgId: MAX_ID, signId: MAX_ID, iteration: MAX_ID };
  const nonces = range(DEFAULT_LIMITS.maxMessagesPerRound).map((i) => ({
    hiding: point(i),
    binding: point(i + 1),
  }));
  const messages = range(DEFAULT_LIMITS.maxMessagesPerRound).map(() => new Uint8Array(32).fill(7));
  const out: { to: Recipients; message: UnsignedEnvelope }[] = [];
  for (const ids of [edge, { dkgId: 1, signId: 1, iteration: 1 }]) {
    out.push(
      // Every key id of the limit claimed by one member.
      {
        to: 'all',
        message: { kind: 'signer-ready', ...head, payload: { keyIds: range(4000) } },
      },
      // Coordinator kinds from a member that is not the active coordinator.
      {
        to: 'all',
        message: {
          kind: 'nonce-request',
          ...head,
          ...ids,
          payload: {
            messages,
            rebuild: {
              withdrawalRequestIds: [],
              unsignedTransaction: new Uint8Array(64).fill(0xab),
            },
            tweak: { type: 'taproot', merkleRoot: null },
          },
        },
      },
      {
        to: 'all',
        message: {
          kind: 'dkg-begin',
          ...head,
          dkgId: ids.dkgId,
          payload: {
            threshold: 2,
            parties: range(DEFAULT_LIMITS.maxParties).map((partyId) => ({
              partyId,
              keyIds: [partyId],
            })),
          },
        },
      },
      {
        to: 'all',
        message: { kind: 'dkg-query', ...head, dkgId: ids.dkgId, payload: {} },
      },
      // Answers nobody asked for, at the list limits, to every coordinator.
      {
        to: 'all',
        message: { kind: 'nonce-response', ...head, ...ids, payload: { nonces } },
      },
      {
        to: 'all',
        message: {
          kind: 'signature-share-response',
          ...head,
          ...ids,
          payload: { shares: messages.map(() => new Uint8Array(32).fill(9)) },
        },
      },
      {
        to: 'all',
        message: {
          kind: 'dkg-public-shares',
          ...head,
          dkgId: ids.dkgId,
          payload: {
            commitments: range(2000).map(bigPoint),
            proofOfKnowledge: { R: point(3), z: new Uint8Array(32).fill(1) },
            keyExchange: {
              publicKey: point(4),
              proof: { R: point(5), z: new Uint8Array(32).fill(1) },
            },
          },
        },
      },
    );
  }
  return out;
}

describe('a hostile member and a key change', () => {
  let fed: Federation;
  let outputKey: Uint8Array;

  beforeAll(async () => {
    fed = await startFederation({ weights: [1, 1, 2, 3, 3] });
    startEveryProcess(fed);
    const data = await publishedKey(fed, 5);
    outputKey = taprootOutputKey(hexToBytes(data.aggregatePubkey))!;
  });

  afterAll(async () => {
    await fed?.stop();
  });

  const verified = (r: { messages: string[]; signatures: string[] }) =>
    ecc.verifySchnorr(hexToBytes(r.messages[0]!), outputKey, hexToBytes(r.signatures[0]!));

  it('a member flooding the relay with validly signed junk does not stop the next round', async () => {
    // Every signer holds the key before the flood (the published key is signed by all).
    expect(verified(await probe(fed))).toBe(true);
    const flooder = fed.operators[1]!;
    const status = await fed.api<Status>(flooder.signerApi, '/v1/status');
    const secretKey = await identityOf(flooder);
    const sender = { partyId: status.partyId, publicKey: schnorr.getPublicKey(secretKey) };
    const relay = new RelayClient({
      url: fed.relayUrl,
      federation: 'devnet',
      party: String(status.partyId),
      secretKey,
    });
    const tip = await bitcoinTip(fed);
    const batch = junk(sender, tip);
    let stored = 0;
    let refused = 0;
    const signal = AbortSignal.timeout(60_000);
    for (let copy = 0; copy < 12; copy++) {
      for (const { to, message } of batch) {
        // A fresh signature each copy: a new message to the relay, not a duplicate.
        try {
          await relay.post(to, seal(message, secretKey), { signal });
          stored++;
        } catch (err) {
          // The relay may throttle the flooder (429) or refuse a message: both are fine.
          if (!(err instanceof RelayClientError)) throw err;
          refused++;
        }
      }
    }
    // Lists over the limits: the relay checks only who sent it, every receiver refuses it at
    // open before looking at the list's elements.
    for (let copy = 0; copy < 12; copy++) {
      const tooMany = seal(
        {
          kind: 'signer-ready',
          sender,
          chainTip: tip,
          payload: { keyIds: range(DEFAULT_LIMITS.maxKeyIds + 1) },
        },
        secretKey,
        { limits: { ...DEFAULT_LIMITS, maxKeyIds: 65_535 } },
      );
      await relay.post('all', tooMany, { signal }).then(
        () => stored++,
        () => refused++,
      );
    }
    expect(stored + refused).toBe((batch.length + 1) * 12);
    expect(stored).toBeGreaterThan(0);

    // The next rounds sign, with every process still up.
    const started = Date.now();
    for (let i = 0; i < 3; i++) expect(verified(await probe(fed, 180_000))).toBe(true);
    const took = Date.now() - started;
    for (const op of fed.operators) {
      expect(op.signer?.alive, `signer ${op.index}`).toBe(true);
      expect(op.coordinator?.alive, `coordinator ${op.index}`).toBe(true);
    }
    // The junk was opened and dropped, not acted on: no signer sent shares for an edge id.
    const edgeShares = fed.operators.flatMap((op) =>
      (op.signer?.lines ?? []).filter(
        (l) =>
          (l.report as { kind?: string; signId?: number } | undefined)?.kind === 'share-sent' &&
          (l.report as { signId?: number }).signId === MAX_ID,
      ),
    );
    expect(edgeShares).toEqual([]);
    console.log(
      `junk flood: ${stored} stored, ${refused} refused by the relay; 3 rounds after it in ${took} ms`,
    );
  });

  it('a messaging-key rotation mid-operation: the next rounds proceed, the old key is refused', async () => {
    // The operator of the active coordinator (its signer and its coordinator switch together)
    // and one more.
    const statuses = await Promise.all(
      fed.operators.map((op) => fed.api<Status>(op.signerApi, '/v1/status')),
    );
    const active = statuses[0]!.activeCoordinator;
    const byParty = (id: number | null) =>
      fed.operators[statuses.findIndex((s) => s.partyId === id)];
    const targets = [byParty(active) ?? fed.operators[4]!, fed.operators[2]!].filter(
      (op, i, all) => all.indexOf(op) === i,
    );
    for (const op of targets) {
      const before = statuses[op.index - 1]!;
      const oldKey = await identityOf(op);
      // A round is in flight while the key changes.
      const inFlight = probe(fed, 180_000).then(
        (r) => r,
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 100));
      const rotated = await runCli(
        'signer',
        ['rotate-messaging-key', '--config', op.signerConfig],
        fed.env,
      );
      expect(rotated.code, rotated.stderr).toBe(0);
      const answer = JSON.parse(rotated.stdout) as { messagingKey: string };
      expect(answer.messagingKey).not.toBe(before.messagingKey);
      await inFlight;

      // The next rounds proceed (the signer's peers, the coordinators and the relay switched).
      for (let i = 0; i < 2; i++) expect(verified(await probe(fed, 180_000))).toBe(true);
      const after = await fed.api<Status>(op.signerApi, '/v1/status');
      expect(after.messagingKey).toBe(answer.messagingKey);

      // The old key is refused by the relay: no token, no post.
      const old = new RelayClient({
        url: fed.relayUrl,
        federation: 'devnet',
        party: String(before.partyId),
        secretKey: oldKey,
      });
      const message = {
        kind: 'signer-ready' as const,
        sender: { partyId: before.partyId, publicKey: schnorr.getPublicKey(oldKey) },
        chainTip: await bitcoinTip(fed),
        payload: { keyIds: [1] },
      };
      const err = await eventually('the relay refuses the old key', async () =>
        old.post('all', seal(message, oldKey), { signal: AbortSignal.timeout(10_000) }).then(
          () => undefined,
          (e: unknown) => (e instanceof RelayClientError && !e.retryable ? e : undefined),
        ),
      );
      expect(err.status).toBeGreaterThanOrEqual(400);
      expect(err.status).toBeLessThan(500);
    }
    // Every signer still signs: a final round with all of them.
    expect(verified(await probe(fed))).toBe(true);
  });
  it('a probe in flight when the role moves is answered 409 at once, not left queued', async () => {
    // Without the two heaviest signers (3 + 3 of 10 key ids) no round reaches the threshold:
    // the probe stays in flight until the role moves.
    const heavy = fed.operators.filter((op) => op.weight === 3);
    for (const op of heavy) await op.signer!.stop();
    type CoordinatorStatus = { coordinator: { active: number | null; self: boolean } };
    const activeOne = () =>
      eventually('an active coordinator', async () => {
        for (const op of fed.operators) {
          const s = await fed.api<CoordinatorStatus>(op.coordinatorApi, '/v1/status');
          if (s.coordinator.self) return op;
        }
        return undefined;
      });
    let answered = false;
    for (let attempt = 0; attempt < 3 && !answered; attempt++) {
      const op = await activeOne();
      const asked = fetch(new URL('/v1/probe', op.coordinatorApi), {
        method: 'POST',
        headers: { authorization: `Bearer ${op.token}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(60_000),
      }).then(async (r) => ({ status: r.status, body: await r.text(), at: Date.now() }));
      await new Promise((r) => setTimeout(r, 300));
      const stopMining = fed.mineEvery(400);
      let movedAt = 0;
      try {
        movedAt = await eventually(
          'the role moved',
          async () => {
            const s = await fed.api<CoordinatorStatus>(op.coordinatorApi, '/v1/status');
            return s.coordinator.self ? undefined : Date.now();
          },
          30_000,
          100,
        );
      } finally {
        stopMining();
      }
      const answer = await asked;
      // The round may have given up (insufficient signers) before the role moved: try again.
      if (answer.at < movedAt && answer.status !== 409) continue;
      expect(answer.status, answer.body).toBe(409);
      expect(answer.at - movedAt).toBeLessThan(5_000);
      answered = true;
    }
    expect(answered).toBe(true);
    for (const op of heavy) fed.startSigner(op);
    expect(verified(await probe(fed, 180_000))).toBe(true);
  });
});
