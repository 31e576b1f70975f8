/**
 * Weighted DKG (Pedersen VSS, one polynomial per party, threshold counted in key ids).
 *   round 1 (broadcast): commitments to a degree T−1 polynomial, a PoK of its constant term,
 *     a fresh key-exchange key and its proof of possession;
 *   round 2 (per recipient): f_p(k) for every key id k of the recipient, encrypted;
 *   finish: decrypt, check everything received with one random-weight MSM against the summed
 *     group polynomial, derive key-id secrets and the group key, or name the culprits.
 * Every party of the layout must take part; a missing party is named, and the caller reruns the
 * DKG without it (a new layout and dkgId). The polynomial, the proofs of knowledge and the share
 * check are the VSS core's (`keys/vss.ts`), which the standard DKG runs with one key id.
 * @module
 */
import { equalBytes } from '@noble/curves/utils.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { InvalidSessionError, ShareDecryptionError } from '../errors.ts';
import { prefixedHash } from '../hash.ts';
import { commitPolynomial, type Dealt, secretPolynomial, verifyDealt } from '../keys/vss.ts';
import { mulBaseSecret, mulSecret, type Point } from '../math/point.ts';
import { evaluate } from '../math/polynomial.ts';
import { N } from '../math/scalar.ts';
import { type RNG, randomBytesFrom, randomScalar } from '../random.ts';
import {
  DKG_ID_LENGTH,
  type DkgComplaint,
  type DkgEnd,
  type DkgRound1,
  type DkgRound2,
  encodeRound1,
} from './dkg-messages.ts';
import { proveDleq } from './dleq.ts';
import { u32 } from './encoding.ts';
import { getParty, type Layout } from './layout.ts';
import { batchVerifyPoks, type PokItem, provePok } from './pok.ts';
import { decryptShare, encryptShare, pairKey } from './share-cipher.ts';
import { TAG } from './tags.ts';

export type DkgFaultKind =
  | 'missing-round1'
  | 'duplicate-round1'
  | 'wrong-dkg-id'
  | 'unknown-party'
  | 'wrong-polynomial-length'
  | 'bad-pok'
  | 'bad-kex-pok'
  | 'missing-shares';

/** A fault every party can establish from public data alone (no complaint needed). */
export interface DkgFault {
  readonly kind: DkgFaultKind;
  readonly party: number;
  readonly detail: string;
}

export interface DkgRound1State {
  readonly layout: Layout;
  readonly dkgId: Uint8Array;
  readonly partyId: number;
  readonly coefficients: readonly bigint[];
  readonly kexSecret: bigint;
  readonly round1: DkgRound1;
}

export interface DkgRound2State extends DkgRound1State {
  /** Validated round-1 messages by party id (every party of the layout). */
  readonly round1s: ReadonlyMap<number, DkgRound1>;
  /** ECDH point and derived AEAD key per peer. */
  readonly peers: ReadonlyMap<number, { readonly ecdh: Point; readonly key: Uint8Array }>;
  /** Hash of every round-1 encoding this party used (the echo check). */
  readonly echo: Uint8Array;
}

export interface DkgResult {
  readonly layout: Layout;
  readonly dkgId: Uint8Array;
  readonly partyId: number;
  /** Y = Σ_p A_{p,0}, untweaked. */
  readonly groupKey: Point;
  /** A_i = Σ_p A_{p,i}: the group polynomial's commitments (key-id public shares derive from it). */
  readonly groupCommitments: readonly Point[];
  /** x_k = Σ_p f_p(k) for this party's key ids. Secret. */
  readonly keyIdSecrets: ReadonlyMap<number, bigint>;
  /** Y_k = x_k·G for this party's key ids: what it publishes for the public-share check. */
  readonly keyIdPublicShares: ReadonlyMap<number, Point>;
  /** Hash of all round-1 messages used; must equal every other party's (equivocation check). */
  readonly echo: Uint8Array;
}

export type DkgOutcome =
  | { readonly ok: true; readonly result: DkgResult }
  | {
      readonly ok: false;
      readonly faults: readonly DkgFault[];
      readonly complaints: readonly DkgComplaint[];
    };

export interface DkgRound1Options {
  readonly layout: Layout;
  readonly dkgId: Uint8Array;
  readonly partyId: number;
  readonly random: RNG;
  /** Fixed polynomial (length = threshold) for reproducing published vectors; random otherwise. */
  readonly polynomial?: readonly bigint[];
}

export function dkgRound1(opts: DkgRound1Options): { message: DkgRound1; state: DkgRound1State } {
  const { layout, dkgId, partyId, random } = opts;
  if (!(dkgId instanceof Uint8Array) || dkgId.length !== DKG_ID_LENGTH)
    throw new RangeError('dkgId must be 32 bytes');
  getParty(layout, partyId);
  const T = layout.threshold;
  let poly: { coefficients: bigint[]; commitment: Point[] };
  if (opts.polynomial !== undefined) {
    if (opts.polynomial.length !== T)
      throw new RangeError(`polynomial must have ${T} coefficients`);
    for (const a of opts.polynomial)
      if (typeof a !== 'bigint' || a <= 0n || a >= N)
        throw new RangeError('polynomial coefficients must be in [1, n)');
    poly = commitPolynomial([...opts.polynomial]);
  } else poly = secretPolynomial(T, random);
  // Secret scalars: constant-time fixed-base multiplication.
  const { coefficients, commitment: commitments } = poly;
  const A0 = commitments[0] as Point;
  const pok = provePok(TAG.pok, dkgId, partyId, coefficients[0] as bigint, A0, random);
  const kexSecret = randomScalar(random);
  const kexPublic = mulBaseSecret(kexSecret);
  const kexPok = provePok(TAG.kexPok, dkgId, partyId, kexSecret, kexPublic, random);
  const body = { dkgId: dkgId.slice(), partyId, commitments, pok, kexPublic, kexPok };
  const message: DkgRound1 = { ...body, bytes: encodeRound1(body) };
  return {
    message,
    state: { layout, dkgId: dkgId.slice(), partyId, coefficients, kexSecret, round1: message },
  };
}

/**
 * Checks all round-1 messages (public, deterministic up to the random batch weights): every
 * party present once, right DKG id, polynomial length = threshold, both proofs valid (all proofs
 * in one random-weight MSM; one-by-one only to find the bad ones).
 */
export function checkRound1s(
  layout: Layout,
  dkgId: Uint8Array,
  messages: readonly DkgRound1[],
  random: RNG,
): { round1s: Map<number, DkgRound1>; faults: DkgFault[] } {
  const faults: DkgFault[] = [];
  const round1s = new Map<number, DkgRound1>();
  const dup = new Set<number>();
  for (const m of messages) {
    if (!layout.partyById.has(m.partyId)) {
      faults.push({
        kind: 'unknown-party',
        party: m.partyId,
        detail: 'round 1 from a party not in the layout',
      });
      continue;
    }
    if (round1s.has(m.partyId)) {
      dup.add(m.partyId);
      continue;
    }
    round1s.set(m.partyId, m);
  }
  for (const id of dup) {
    faults.push({ kind: 'duplicate-round1', party: id, detail: 'more than one round 1 message' });
    round1s.delete(id);
  }
  const items: PokItem[] = [];
  for (const p of layout.parties) {
    const m = round1s.get(p.id);
    if (!m) {
      if (!dup.has(p.id))
        faults.push({ kind: 'missing-round1', party: p.id, detail: 'no round 1 message' });
      continue;
    }
    if (!equalBytes(m.dkgId, dkgId)) {
      faults.push({ kind: 'wrong-dkg-id', party: p.id, detail: 'round 1 for another DKG' });
      round1s.delete(p.id);
    } else if (m.commitments.length !== layout.threshold) {
      faults.push({
        kind: 'wrong-polynomial-length',
        party: p.id,
        detail: `${m.commitments.length} commitments, threshold is ${layout.threshold}`,
      });
      round1s.delete(p.id);
    } else {
      items.push({ dst: TAG.pok, partyId: p.id, pub: m.commitments[0] as Point, proof: m.pok });
      items.push({ dst: TAG.kexPok, partyId: p.id, pub: m.kexPublic, proof: m.kexPok });
    }
  }
  for (const i of batchVerifyPoks(dkgId, items, random)) {
    const it = items[i] as PokItem;
    const kind = it.dst === TAG.pok ? 'bad-pok' : 'bad-kex-pok';
    faults.push({
      kind,
      party: it.partyId,
      detail: kind === 'bad-pok' ? 'invalid proof of knowledge' : 'invalid key-exchange proof',
    });
    round1s.delete(it.partyId);
  }
  return { round1s, faults };
}

/** Echo hash: SHA-256(tag ‖ dkgId ‖ Σ over parties by id (u32 id ‖ u32 len ‖ round-1 bytes)). */
export function echoHash(dkgId: Uint8Array, round1s: ReadonlyMap<number, DkgRound1>): Uint8Array {
  const ids = [...round1s.keys()].sort((a, b) => a - b);
  const parts: Uint8Array[] = [dkgId];
  for (const id of ids) {
    const b = (round1s.get(id) as DkgRound1).bytes;
    parts.push(u32(id), u32(b.length), b);
  }
  return prefixedHash(TAG.echo, concatBytes(...parts));
}

export type DkgRound2Outcome =
  | { readonly ok: true; readonly messages: readonly DkgRound2[]; readonly state: DkgRound2State }
  | { readonly ok: false; readonly faults: readonly DkgFault[] };

/** Validates round 1, then deals: f(k) for every key id of every other party, encrypted to it. */
export function dkgRound2(
  state: DkgRound1State,
  round1Messages: readonly DkgRound1[],
  random: RNG,
): DkgRound2Outcome {
  const { layout, dkgId, partyId } = state;
  const { round1s, faults } = checkRound1s(layout, dkgId, round1Messages, random);
  const own = round1s.get(partyId);
  if (own && !equalBytes(own.bytes, state.round1.bytes)) {
    faults.push({
      kind: 'duplicate-round1',
      party: partyId,
      detail: 'the round 1 message under our id is not ours',
    });
  }
  if (faults.length > 0) return { ok: false, faults };
  const peers = new Map<number, { ecdh: Point; key: Uint8Array }>();
  const messages: DkgRound2[] = [];
  for (const p of layout.parties) {
    if (p.id === partyId) continue;
    const their = round1s.get(p.id) as DkgRound1;
    const ecdh = mulSecret(their.kexPublic, state.kexSecret); // secret scalar: constant time
    const key = pairKey(dkgId, partyId, p.id, ecdh);
    peers.set(p.id, { ecdh, key });
    const shares = p.keyIds.map((k) => ({
      keyId: k,
      ciphertext: encryptShare(
        key,
        dkgId,
        partyId,
        p.id,
        k,
        evaluate(state.coefficients, BigInt(k)),
      ),
    }));
    messages.push({ dkgId, sender: partyId, recipient: p.id, shares });
  }
  return {
    ok: true,
    messages,
    state: { ...state, round1s, peers, echo: echoHash(dkgId, round1s) },
  };
}

/**
 * Finishes the DKG for this party: decrypts what it received, checks all of it at once, and
 * returns its key-id secrets and the group key; or the faults and complaints naming culprits.
 */
export function dkgFinish(
  state: DkgRound2State,
  round2Messages: readonly DkgRound2[],
  random: RNG,
): DkgOutcome {
  const { layout, dkgId, partyId } = state;
  const me = getParty(layout, partyId);
  const faults: DkgFault[] = [];
  const complaints: DkgComplaint[] = [];
  // shares[p][j] = f_p(k_j) for my key ids k_j
  const shares = new Map<number, bigint[]>();
  shares.set(
    partyId,
    me.keyIds.map((k) => evaluate(state.coefficients, BigInt(k))),
  );
  const bySender = new Map<number, DkgRound2>();
  for (const m of round2Messages) {
    if (m.recipient !== partyId || !equalBytes(m.dkgId, dkgId) || !layout.partyById.has(m.sender))
      continue;
    if (bySender.has(m.sender)) {
      faults.push({
        kind: 'missing-shares',
        party: m.sender,
        detail: 'more than one round 2 message',
      });
      bySender.delete(m.sender);
      continue;
    }
    bySender.set(m.sender, m);
  }
  const complain = (accused: number): void => {
    const context = concatBytes(dkgId, u32(partyId), u32(accused));
    const B = (state.round1s.get(accused) as DkgRound1).kexPublic;
    const { K, proof } = proveDleq(context, state.kexSecret, B, random);
    complaints.push({ dkgId, complainer: partyId, accused, ecdh: K, proof });
  };
  for (const p of layout.parties) {
    if (p.id === partyId) continue;
    const m = bySender.get(p.id);
    if (
      !m ||
      m.shares.length !== me.keyIds.length ||
      m.shares.some((s, j) => s.keyId !== me.keyIds[j])
    ) {
      if (!faults.some((f) => f.party === p.id)) {
        faults.push({
          kind: 'missing-shares',
          party: p.id,
          detail: 'no share for every key id of the recipient',
        });
      }
      continue;
    }
    const key = (state.peers.get(p.id) as { key: Uint8Array }).key;
    try {
      shares.set(
        p.id,
        m.shares.map((s) => decryptShare(key, dkgId, p.id, partyId, s.keyId, s.ciphertext)),
      );
    } catch (e) {
      if (!(e instanceof ShareDecryptionError)) throw e;
      complain(p.id);
    }
  }
  if (faults.length > 0 || complaints.length > 0) return { ok: false, faults, complaints };

  // One check for everything received (the VSS core): Σ_k r_k·x_k·G == Σ_i w_i·A_i with
  // A_i = Σ_p A_{p,i}, w_i = Σ_k r_k·k^i and an independent weight per key id; x_k = Σ_p f_p(k)
  // is secret (constant-time side). On failure, a bisection over the dealers names the culprits.
  const order = layout.parties.map((p) => p.id);
  const dealt: Dealt[] = order.map((id) => ({
    commitment: (state.round1s.get(id) as DkgRound1).commitments,
    shares: shares.get(id) as bigint[],
  }));
  const { ok, groupCommitments, culprits } = verifyDealt(
    dealt,
    me.keyIds.map(BigInt),
    [randomBytesFrom(random, 32), state.echo],
    order.flatMap((id, i) => (id === partyId ? [] : [i])),
  );
  if (!ok) {
    for (const i of culprits) complain(order[i] as number);
    if (complaints.length === 0)
      throw new InvalidSessionError('aggregate share check failed but no dealer did');
    return { ok: false, faults, complaints };
  }
  const secrets = me.keyIds.map((_, j) => {
    let s = 0n;
    for (const v of shares.values()) s += v[j] as bigint;
    return s % N;
  });
  const keyIdSecrets = new Map<number, bigint>();
  const keyIdPublicShares = new Map<number, Point>();
  me.keyIds.forEach((k, j) => {
    keyIdSecrets.set(k, secrets[j] as bigint);
    keyIdPublicShares.set(k, mulBaseSecret(secrets[j] as bigint));
  });
  return {
    ok: true,
    result: {
      layout,
      dkgId,
      partyId,
      groupKey: groupCommitments[0] as Point,
      groupCommitments,
      keyIdSecrets,
      keyIdPublicShares,
      echo: state.echo,
    },
  };
}

/** Parties whose echo differs from ours: they were shown different round-1 messages. */
export function echoMismatches(
  mine: Uint8Array,
  others: ReadonlyMap<number, Uint8Array>,
): number[] {
  const out: number[] = [];
  for (const [id, e] of others) if (!equalBytes(e, mine)) out.push(id);
  return out.sort((a, b) => a - b);
}

/** The DKG-end message for a result: echo and the party's own key-id public shares. */
export function dkgEnd(result: DkgResult): DkgEnd {
  return {
    dkgId: result.dkgId,
    partyId: result.partyId,
    echo: result.echo,
    keyIdPublicShares: [...result.keyIdPublicShares].map(([keyId, share]) => ({ keyId, share })),
  };
}
