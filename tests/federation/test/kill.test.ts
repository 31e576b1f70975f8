// kill -9 of signer and coordinator processes in the middle of signing rounds: the federation
// (5 operators, weights 1, 1, 2, 3, 3, 7 of 10 key ids) keeps signing while the threshold holds,
// killed processes restart on their own data and rejoin, and no nonce is ever committed twice (the
// commitments on the wire, from the relay's file: each belongs to one round).
import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import { taprootOutputKey } from '@peg/wire';
import Database from 'better-sqlite3';
import * as ecc from 'tiny-secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Federation, probe, startFederation } from './harness/federation.ts';

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

describe('kill -9 during signing', () => {
  let fed: Federation;
  let outputKey: Uint8Array;

  beforeAll(async () => {
    fed = await startFederation({ weights: [1, 1, 2, 3, 3] });
    for (const op of fed.operators) {
      fed.startSigner(op);
      fed.startCoordinator(op);
    }
    const data = await eventually(
      'a published key',
      async () => {
        const d = await fed.stacks.getSignerData();
        return d.aggregatePubkey !== '00' && d.signerSet.length === 5 ? d : undefined;
      },
      300_000,
    );
    outputKey = taprootOutputKey(hexToBytes(data.aggregatePubkey))!;
  });

  afterAll(async () => {
    await fed?.stop();
  });

  const verified = (r: { messages: string[]; signatures: string[] }) =>
    ecc.verifySchnorr(hexToBytes(r.messages[0]!), outputKey, hexToBytes(r.signatures[0]!));

  it('signers killed at random moments of rounds: rounds complete, the killed ones rejoin', async () => {
    const pick = seeded(Number(process.env.PEG_KILL_SEED ?? 7));
    const kills: string[] = [];
    for (let round = 0; round < 12; round++) {
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
    }
  });

  it('on the wire: every nonce commitment a signer sent belongs to one round', async () => {
    // The relay stores every envelope posted (its SQLite file): the shares and commitments the
    // signers actually sent, across every kill and restart. Stopped first: it holds the file
    // exclusively.
    await fed.relay.stop();
    const db = new Database(join(fed.dir, 'relay.sqlite'), { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT envelope FROM messages').all() as { envelope: Buffer }[];
    db.close();
    const commitments = new Map<string, Set<string>>();
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
    }
    expect(nonces).toBeGreaterThan(50);
    expect(shares).toBeGreaterThan(50);
    const reused = [...commitments].filter(([, r]) => r.size > 1);
    expect(reused, 'a nonce commitment sent for two rounds').toEqual([]);
  });
});
