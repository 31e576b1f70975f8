import { randomBytes } from '@noble/hashes/utils.js';
import type { Point } from '../../src/math/point.ts';
import { aggregate } from '../../src/weighted/aggregate.ts';
import {
  type DkgResult,
  type DkgRound1State,
  type DkgRound2State,
  dkgFinish,
  dkgRound1,
  dkgRound2,
} from '../../src/weighted/dkg.ts';
import type { DkgRound1, DkgRound2 } from '../../src/weighted/dkg-messages.ts';
import { createLayout, type Layout } from '../../src/weighted/layout.ts';
import { noncesFrom, type SignMode, sign } from '../../src/weighted/signing.ts';

export const random = (n: number): Uint8Array => randomBytes(n);

/** The uneven layout: weights 1, 1, 2, 3, 3 (10 key ids), threshold 7. */
export const unevenLayout = (): Layout =>
  createLayout({
    parties: [
      { id: 1, keyIds: [1] },
      { id: 2, keyIds: [2] },
      { id: 3, keyIds: [3, 4] },
      { id: 4, keyIds: [5, 6, 7] },
      { id: 5, keyIds: [8, 9, 10] },
    ],
    threshold: 7,
  });

export interface DkgRun {
  round1: DkgRound1[];
  states1: Map<number, DkgRound1State>;
  states2: Map<number, DkgRound2State>;
  round2: DkgRound2[];
}

/** Runs rounds 1 and 2 for every party of the layout (all honest). */
export function dealAll(layout: Layout, dkgId: Uint8Array = randomBytes(32)): DkgRun {
  const states1 = new Map<number, DkgRound1State>();
  const round1: DkgRound1[] = [];
  for (const p of layout.parties) {
    const { message, state } = dkgRound1({ layout, dkgId, partyId: p.id, random });
    states1.set(p.id, state);
    round1.push(message);
  }
  const states2 = new Map<number, DkgRound2State>();
  const round2: DkgRound2[] = [];
  for (const p of layout.parties) {
    const out = dkgRound2(states1.get(p.id) as DkgRound1State, round1, random);
    if (!out.ok) throw new Error(`round 2 failed: ${JSON.stringify(out.faults)}`);
    states2.set(p.id, out.state);
    round2.push(...out.messages);
  }
  return { round1, states1, states2, round2 };
}

/** Full honest DKG: every party's result. */
export function runDkg(layout: Layout): Map<number, DkgResult> {
  const run = dealAll(layout);
  const results = new Map<number, DkgResult>();
  for (const p of layout.parties) {
    const out = dkgFinish(
      run.states2.get(p.id) as DkgRound2State,
      run.round2.filter((m) => m.recipient === p.id),
      random,
    );
    if (!out.ok)
      throw new Error(`finish failed: ${JSON.stringify(out.faults)} ${out.complaints.length}`);
    results.set(p.id, out.result);
  }
  return results;
}

/**
 * The weighted side of a differential test with one key id per party: every party in `ids`
 * signs `messages` in ONE round with the given nonces (`nonces[m][j]`: message m, party ids[j])
 * and the coordinator aggregates. Returns each party's shares (per message) as 64-hex strings
 * and the signatures.
 */
export function signOneKeyIdEach(
  layout: Layout,
  groupKey: Point,
  mode: SignMode,
  ids: readonly number[],
  secretOf: (id: number) => bigint,
  messages: readonly Uint8Array[],
  nonces: readonly (readonly { hiding: bigint; binding: bigint }[])[],
): { shares: string[][]; signatures: readonly Uint8Array[] } {
  const own = ids.map((id, j) =>
    noncesFrom(
      id,
      messages.map((_, m) => nonces[m]![j]!),
    ),
  );
  const pkg = { messages, commitments: own.map((x) => x.commitments) };
  const responses = ids.map((id, j) =>
    sign(
      { layout, partyId: id, groupKey, keyIdSecrets: new Map([[id, secretOf(id)]]) },
      own[j]!,
      pkg,
      mode,
    ),
  );
  const out = aggregate({ layout, groupKey }, mode, pkg, responses, { random });
  if (!out.ok) throw new Error('aggregate failed');
  return {
    shares: responses.map((r) => r.shares.map((z) => z.toString(16).padStart(64, '0'))),
    signatures: out.signatures,
  };
}
