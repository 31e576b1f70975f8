// kill -9 of signer and coordinator processes in the middle of signing rounds: the federation
// (5 operators, weights 1, 1, 2, 3, 3, 7 of 10 key ids) keeps signing while the threshold holds,
// killed processes restart on their own data and rejoin, and no nonce is ever committed twice (the
// commitments on the wire, from the relay's file: each belongs to one round).
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { taprootOutputKey } from '@peg/wire';
import Database from 'better-sqlite3';
import * as ecc from 'tiny-secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Federation,
  type Operator,
  probe,
  publishedKey,
  setWeight,
  startEveryProcess,
  startFederation,
} from './harness/federation.ts';

/** A seeded choice (the kill points replay from the seed). */
function seeded(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/**
 * The seeds of the kill points (PEG_KILL_SEEDS, comma-separated): each seed kills signers in
 * rounds and DKGs. A failure message names the seed and every kill, to replay it.
 */
const SEEDS = (process.env.PEG_KILL_SEEDS ?? '7,1009')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const ROUNDS_PER_SEED = 8;
const DKGS_PER_SEED = 2;

describe('kill -9 during signing and DKG', () => {
  let fed: Federation;
  let outputKey: Uint8Array;

  beforeAll(async () => {
    fed = await startFederation({ weights: [1, 1, 2, 3, 3] });
    startEveryProcess(fed);
    const data = await publishedKey(fed, 5);
    outputKey = taprootOutputKey(hexToBytes(data.aggregatePubkey))!;
    // The signer principal (the multisig of the registered keys) pays for later rotate-keys.
    const funded = await fetch(
      `${fed.devnet.stacksUrl}/extended/v1/faucets/stx?address=${data.signerPrincipal}&amount=100000000`,
      { method: 'POST' },
    );
    expect(funded.ok).toBe(true);
  });

  afterAll(async () => {
    await fed?.stop();
  });

  let killCount = 0;

  /** Every signer's status shows `aggregateKey` (it verified it and saw it published). */
  const everySignerHolds = (aggregateKey: string, except?: Operator) =>
    Promise.all(
      fed.operators.map((op) =>
        op === except
          ? Promise.resolve(true)
          : eventually(`signer ${op.index} holds ${aggregateKey}`, async () => {
              const s = await fed.api<{ key: { aggregateKey: string } | null }>(
                op.signerApi,
                '/v1/status',
              );
              return s.key?.aggregateKey === aggregateKey;
            }),
      ),
    );

  const verified = (r: { messages: string[]; signatures: string[] }) =>
    ecc.verifySchnorr(hexToBytes(r.messages[0]!), outputKey, hexToBytes(r.signatures[0]!));
  /**
   * A probe under the key just published. The active coordinator learns of the publication at
   * its next Stacks read: until then it still holds the previous key as current (the key the
   * registry showed it) and signs under it, which its answer's `outputKey` says.
   */
  const probeUnderNewKey = () =>
    eventually(
      'a probe signed under the published key',
      async () => {
        const r = await probe(fed, 180_000);
        return r.outputKey === bytesToHex(outputKey) ? r : undefined;
      },
      180_000,
      500,
    );

  it.each(SEEDS)(
    'seed %i: signers killed at random moments of rounds: rounds complete, the killed ones rejoin',
    async (seed) => {
      const pick = seeded(seed);
      const kills: string[] = [`seed ${seed}`];
      for (let round = 0; round < ROUNDS_PER_SEED; round++) {
        // One signer of weight <= 3 down at a time leaves >= 7 key ids: the threshold holds.
        const victim = fed.operators[pick(fed.operators.length)]!;
        const delay = pick(400);
        const signing = probe(fed, 180_000);
        await new Promise((r) => setTimeout(r, delay));
        await victim.signer!.kill9();
        kills.push(`round ${round}: signer ${victim.index} after ${delay} ms`);
        const r = await signing;
        expect(verified(r), kills.join('\n')).toBe(true);
        // Restart on the same data folder; it must come back before the next kill.
        fed.startSigner(victim);
        await victim.signer!.waitFor((l) => l.msg === 'signer machine started', 120_000);
      }
      // Every signer is back and the federation signs with all of them again.
      const r = await probe(fed);
      expect(verified(r)).toBe(true);
      killCount += ROUNDS_PER_SEED;
    },
  );

  it.each(SEEDS)(
    'seed %i: signers killed at random moments of a DKG: the new key is verified and published, the killed ones rejoin',
    async (seed) => {
      const pick = seeded(seed * 31);
      const kills: string[] = [`seed ${seed}`];
      for (let n = 0; n < DKGS_PER_SEED; n++) {
        const before = await fed.stacks.getSignerData();
        const marks = fed.operators.map((op) => op.coordinator?.lines.length ?? 0);
        // A new layout on the registry makes the coordinators run a DKG.
        await setWeight(fed, fed.operators[0]!, fed.operators[0]!.weight === 1 ? 2 : 1);
        await eventually(
          'a coordinator requests the DKG',
          () =>
            fed.operators.some((op, i) =>
              op.coordinator?.lines.slice(marks[i]).some((l) => l.msg === 'requesting a DKG'),
            ),
          120_000,
          20,
        );
        // From the request on, a DKG here takes a few seconds: public shares, private shares,
        // end, the all-holders verification round, then publication.
        const victim = fed.operators[pick(fed.operators.length)]!;
        const delay = pick(4_000);
        await new Promise((r) => setTimeout(r, delay));
        await victim.signer!.kill9();
        kills.push(`DKG ${n}: signer ${victim.index} after ${delay} ms`);
        await new Promise((r) => setTimeout(r, pick(2_000)));
        fed.startSigner(victim);
        const after = await eventually(
          `the new key published (${kills.join('; ')})`,
          async () => {
            const d = await fed.stacks.getSignerData();
            return d.aggregatePubkey !== before.aggregatePubkey ? d : undefined;
          },
          240_000,
        );
        // The victim holds it too when it came back in time to deal; a DKG that finished
        // without it (enough key ids without its own) leaves it without a share of this key
        // until the next DKG. Back it is either way: it answers and signs what it holds.
        await everySignerHolds(after.aggregatePubkey, victim);
        await eventually(`signer ${victim.index} is back`, () =>
          fed.api<{ partyId: number }>(victim.signerApi, '/v1/status').then(
            (s) => s.partyId > 0,
            () => false,
          ),
        );
        outputKey = taprootOutputKey(hexToBytes(after.aggregatePubkey))!;
        expect(verified(await probeUnderNewKey()), kills.join('\n')).toBe(true);
      }
      killCount += DKGS_PER_SEED;
    },
  );

  it('the active coordinator killed mid-DKG: the next in line takes over and publishes the key', async () => {
    const before = await fed.stacks.getSignerData();
    const marks = fed.operators.map((op) => op.coordinator?.lines.length ?? 0);
    await setWeight(fed, fed.operators[0]!, fed.operators[0]!.weight === 1 ? 2 : 1);
    const driver = await eventually(
      'a coordinator requests the DKG',
      () =>
        fed.operators.find((op, i) =>
          op.coordinator?.lines.slice(marks[i]).some((l) => l.msg === 'requesting a DKG'),
        ),
      120_000,
      20,
    );
    await new Promise((r) => setTimeout(r, 500));
    await driver.coordinator!.kill9();
    const after = await eventually(
      'the new key published by another coordinator',
      async () => {
        const d = await fed.stacks.getSignerData();
        return d.aggregatePubkey !== before.aggregatePubkey ? d : undefined;
      },
      240_000,
    );
    await everySignerHolds(after.aggregatePubkey);
    outputKey = taprootOutputKey(hexToBytes(after.aggregatePubkey))!;
    expect(verified(await probeUnderNewKey())).toBe(true);
    fed.startCoordinator(driver);
    await driver.coordinator!.waitFor((l) => l.msg === 'coordinator machine started', 120_000);
    killCount += 1;
  });

  it('the active coordinator killed mid-round: the next in line takes over and signs', async () => {
    for (let i = 0; i < 3; i++) {
      const active = await eventually('an active coordinator', async () => {
        for (const op of fed.operators) {
          const s = await fed
            .api<{ coordinator: { self: boolean } }>(op.coordinatorApi, '/v1/status')
            .catch(() => undefined);
          if (s?.coordinator.self) return op;
        }
        return undefined;
      });
      const signing = fetch(new URL('/v1/probe', active.coordinatorApi), {
        method: 'POST',
        headers: { authorization: `Bearer ${active.token}`, 'content-type': 'application/json' },
        body: '{}',
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      await active.coordinator!.kill9();
      await signing;
      // Another coordinator takes over (after the takeover timeout) and signs.
      const r = await probe(fed, 180_000);
      expect(verified(r)).toBe(true);
      fed.startCoordinator(active);
      await active.coordinator!.waitFor((l) => l.msg === 'coordinator machine started', 120_000);
      killCount += 1;
    }
    expect(killCount).toBeGreaterThanOrEqual(20);
  });

  it('on the wire: every nonce commitment a signer sent belongs to one round, every DKG dealing is one', async () => {
    // The relay stores every envelope posted (its SQLite file): the shares and commitments the
    // signers actually sent, across every kill and restart. Stopped first: it holds the file
    // exclusively.
    await fed.relay.stop();
    const db = new Database(join(fed.dir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT envelope FROM messages ORDER BY seq').all() as {
      envelope: Buffer;
    }[];
    db.close();
    const commitments = new Map<string, Set<string>>();
    const dealings = new Map<string, Set<string>>();
    // DKG ids count from 1 in each epoch (layout): a dealing belongs to the last `dkg-begin` of
    // its id, named by that begin's layout.
    const session = new Map<number, string>();
    let nonces = 0;
    let shares = 0;
    for (const { envelope } of rows) {
      const e = JSON.parse(envelope.toString('utf8')) as {
        kind: string;
        sender: { partyId: number };
        chainTip: { hash: string };
        dkgId?: number;
        signId?: number;
        iteration?: number;
        payload: { nonces?: { hiding: string }[]; shares?: string[] };
      };
      if (e.kind === 'dkg-begin' && e.dkgId !== undefined)
        session.set(e.dkgId, `${e.dkgId}/${JSON.stringify(e.payload)}`);
      // Sign ids are scoped to a coordinator and tip: two coordinators may both use (1, 1) on
      // one tip, so a round here is only what the commitment itself was sent for.
      const round = `${e.sender.partyId}/${e.chainTip.hash}/${e.dkgId}/${e.signId}/${e.iteration}`;
      if (e.kind === 'nonce-response') {
        for (const n of e.payload.nonces ?? []) {
          nonces++;
          const set = commitments.get(n.hiding) ?? new Set();
          set.add(round);
          commitments.set(n.hiding, set);
        }
      }
      if (e.kind === 'signature-share-response') shares++;
      // A signer deals one polynomial per DKG (its commitments name it): a restarted signer
      // resends the same one. (Private shares may be re-encrypted; the commitments bind them.)
      if (e.kind === 'dkg-public-shares') {
        const dealing = `${e.sender.partyId}/${session.get(e.dkgId ?? 0) ?? e.dkgId}`;
        const set = dealings.get(dealing) ?? new Set();
        set.add(JSON.stringify(e.payload));
        dealings.set(dealing, set);
      }
    }
    expect(nonces).toBeGreaterThan(50);
    expect(shares).toBeGreaterThan(50);
    const reused = [...commitments].filter(([, r]) => r.size > 1);
    expect(reused, 'a nonce commitment sent for two rounds').toEqual([]);
    expect(dealings.size).toBeGreaterThan(15);
    const twice = [...dealings].filter(([, p]) => p.size > 1).map(([d]) => d);
    expect(twice, 'a signer dealt two different polynomials in one DKG').toEqual([]);
  });
});
