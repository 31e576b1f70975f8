/**
 * The DKG of the machines is @peg/frost's weighted DKG (Pedersen VSS per party, PoK bound to the
 * DKG and party, ECDH + ChaCha20-Poly1305 shares, DLEQ complaints, echo hash); this module only
 * converts between its values and the @peg/wire payloads (JSON form) and keeps the protocol's
 * state plain hex.
 *
 * Round 1 runs over the federation layout (polynomials do not depend on key ids). The coordinator
 * then lists the parties whose round 1 it accepted; everyone renumbers their key ids 1..K' in
 * (party id, key id) order (`subLayout`) and runs rounds 2 and finish over that sub-layout, which
 * becomes the key's signing layout. So a DKG continues without the parties that stayed silent in
 * round 1 instead of starting over.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import {
  checkRound1s,
  type DkgComplaint,
  type DkgFault,
  type DkgRound1,
  type DkgRound2,
  type DkgRound2State,
  dkgFinish,
  dkgRound1,
  dkgRound2,
  echoHash,
  judgeComplaint,
  makeRound1,
  Point,
  pairKey,
  proveDleq,
  type RNG,
  verifyKeyIdPublicShares,
} from '@peg/frost';
import type { Payload } from './envelopes.ts';
import type { Hex } from './hex.ts';
import { type LayoutSpec, layoutOf } from './layout.ts';

type PointT = InstanceType<typeof Point>;
/** A party's DKG secrets, kept until the DKG ends (coefficients are erased then). */
export type DkgSecret = { coefficients: Hex[]; kexSecret: Hex };
export type PublicShares = Payload<'dkg-public-shares'>;
export type PrivateShares = Payload<'dkg-private-shares'>;
export type Complaint = {
  accused: number;
  ecdhPoint: Hex;
  proof: { challenge: Hex; response: Hex };
};

const u32 = (n: number): Uint8Array => numberToBytesBE(n, 4);
const scalarHex = (x: bigint): Hex => x.toString(16).padStart(64, '0');
const big = (h: Hex): bigint => BigInt(`0x${h}`);
const pointHex = (p: PointT): Hex => p.toHex(true);
const parse = (h: Hex): PointT => Point.fromHex(h);
const random = (rng: RNG) => (n: number) => Uint8Array.from(rng(n));

/**
 * Which DKG: the wire's `dkgId` and the digest of the federation it runs in (`federationDigest`:
 * network, threshold, every party's id, key ids and identity key).
 */
export type DkgSession = { dkgId: number; federation: Hex };

/**
 * The 32-byte DKG id @peg/frost binds into proofs, AEAD data and key derivation: both the
 * counter (never reused within a federation) and the federation, so no proof or ciphertext of
 * one DKG is valid in any other, here or in another federation.
 */
export function frostDkgId(session: DkgSession): Uint8Array {
  return schnorr.utils.taggedHash(
    'peg/protocol/dkg-id',
    hexToBytes(session.federation),
    u32(session.dkgId),
  );
}

/**
 * The layout of a key made by the listed parties: their key ids renumbered 1..K' in (party id,
 * key id) order, same threshold. Everyone derives it from the coordinator's list alone.
 */
export function subLayout(
  parties: readonly { id: number; keyIds: readonly number[] }[],
  ids: readonly number[],
  threshold: number,
): LayoutSpec {
  const chosen = new Set(ids);
  let next = 1;
  const out = [...parties]
    .filter((p) => chosen.has(p.id))
    .sort((a, b) => a.id - b.id)
    .map((p) => ({ id: p.id, keyIds: [...p.keyIds].sort((a, b) => a - b).map(() => next++) }));
  return { parties: out, threshold };
}

/** Round 1: a fresh polynomial and key-exchange key, as the wire payload and the secrets. */
export function round1(
  federation: LayoutSpec,
  session: DkgSession,
  partyId: number,
  rng: RNG,
): { payload: PublicShares; secret: DkgSecret } {
  const { message, state } = dkgRound1({
    layout: layoutOf(federation),
    dkgId: frostDkgId(session),
    partyId,
    random: random(rng),
  });
  return {
    payload: {
      commitments: message.commitments.map((c) => c.toHex(false)),
      proofOfKnowledge: { R: pointHex(message.pok.R), z: scalarHex(message.pok.mu) },
      keyExchange: {
        publicKey: pointHex(message.kexPublic),
        proof: { R: pointHex(message.kexPok.R), z: scalarHex(message.kexPok.mu) },
      },
    },
    secret: {
      coefficients: state.coefficients.map(scalarHex),
      kexSecret: scalarHex(state.kexSecret),
    },
  };
}

/** A round-1 payload as @peg/frost's message (its canonical bytes are what the echo covers). */
export function toRound1(session: DkgSession, partyId: number, p: PublicShares): DkgRound1 {
  return makeRound1({
    dkgId: frostDkgId(session),
    partyId,
    commitments: p.commitments.map(parse),
    pok: { R: parse(p.proofOfKnowledge.R), mu: big(p.proofOfKnowledge.z) },
    kexPublic: parse(p.keyExchange.publicKey),
    kexPok: { R: parse(p.keyExchange.proof.R), mu: big(p.keyExchange.proof.z) },
  });
}

/** Public faults of round-1 payloads (bad proofs, wrong polynomial length), by party id. */
export function round1Faults(
  layout: LayoutSpec,
  session: DkgSession,
  publics: ReadonlyMap<number, PublicShares>,
  rng: RNG,
): Map<number, 'bad-proof-of-knowledge' | 'wrong-polynomial-length'> {
  const messages = [...publics].map(([id, p]) => toRound1(session, id, p));
  const { faults } = checkRound1s(layoutOf(layout), frostDkgId(session), messages, random(rng));
  const out = new Map<number, 'bad-proof-of-knowledge' | 'wrong-polynomial-length'>();
  for (const f of faults) {
    if (f.kind === 'missing-round1') continue;
    out.set(f.party, f.kind === 'wrong-polynomial-length' ? f.kind : 'bad-proof-of-knowledge');
  }
  return out;
}

function round2State(
  layout: LayoutSpec,
  session: DkgSession,
  partyId: number,
  secret: DkgSecret,
  publics: ReadonlyMap<number, PublicShares>,
): DkgRound2State {
  const id32 = frostDkgId(session);
  const round1s = new Map<number, DkgRound1>();
  for (const p of layout.parties) round1s.set(p.id, toRound1(session, p.id, publics.get(p.id)!));
  const kexSecret = big(secret.kexSecret);
  const peers = new Map<number, { ecdh: PointT; key: Uint8Array }>();
  for (const p of layout.parties) {
    if (p.id === partyId) continue;
    const ecdh = round1s.get(p.id)!.kexPublic.multiply(kexSecret);
    peers.set(p.id, { ecdh, key: pairKey(id32, partyId, p.id, ecdh) });
  }
  return {
    layout: layoutOf(layout),
    dkgId: id32,
    partyId,
    coefficients: secret.coefficients.map(big),
    kexSecret,
    round1: round1s.get(partyId)!,
    round1s,
    peers,
    echo: echoHash(id32, round1s),
  };
}

/** Failure reasons a party can name from the round-1 data it holds. */
export type Round1Fault = { party: number; kind: DkgFault['kind'] };

/**
 * Round 2 over the sub-layout (@peg/frost `dkgRound2`): checks every listed round 1 (a party
 * does not trust the coordinator's filtering), then encrypts f(k) for every key id of every
 * other listed party.
 */
export function round2(
  layout: LayoutSpec,
  session: DkgSession,
  partyId: number,
  secret: DkgSecret,
  publics: ReadonlyMap<number, PublicShares>,
  rng: RNG,
): { ok: true; payload: PrivateShares } | { ok: false; faults: Round1Fault[] } {
  const own = toRound1(session, partyId, publics.get(partyId)!);
  const out = dkgRound2(
    {
      layout: layoutOf(layout),
      dkgId: frostDkgId(session),
      partyId,
      coefficients: secret.coefficients.map(big),
      kexSecret: big(secret.kexSecret),
      round1: own,
    },
    layout.parties.map((p) => toRound1(session, p.id, publics.get(p.id)!)),
    random(rng),
  );
  if (!out.ok)
    return { ok: false, faults: out.faults.map((f) => ({ party: f.party, kind: f.kind })) };
  return {
    ok: true,
    payload: {
      shares: out.messages.map((m) => ({
        partyId: m.recipient,
        keyShares: m.shares.map((x) => ({ keyId: x.keyId, ciphertext: bytesToHex(x.ciphertext) })),
      })),
    },
  };
}

/** The result of a finished DKG at one party (key-id secrets are the party's signing shares). */
export type DkgFinished = {
  groupKey: Hex;
  echoHash: Hex;
  keyIdPublicShares: { keyId: number; publicShare: Hex }[];
  keyIdSecrets: Record<string, Hex>;
};

/** The round-2 message `sender` addressed to `recipient`, as @peg/frost's type. */
function round2For(
  session: DkgSession,
  sender: number,
  recipient: number,
  p: PrivateShares,
): DkgRound2 | null {
  const entry = p.shares.find((s) => s.partyId === recipient);
  if (entry === undefined) return null;
  return {
    dkgId: frostDkgId(session),
    sender,
    recipient,
    shares: entry.keyShares.map((s) => ({ keyId: s.keyId, ciphertext: hexToBytes(s.ciphertext) })),
  };
}

/** Finish: decrypt and check everything received, or name culprits (missing shares, complaints). */
export function finish(
  layout: LayoutSpec,
  session: DkgSession,
  partyId: number,
  secret: DkgSecret,
  publics: ReadonlyMap<number, PublicShares>,
  privates: ReadonlyMap<number, PrivateShares>,
  rng: RNG,
):
  | { ok: true; result: DkgFinished }
  | { ok: false; missingShares: number[]; complaints: Complaint[] } {
  const st = round2State(layout, session, partyId, secret, publics);
  const received: DkgRound2[] = [];
  for (const [sender, p] of privates) {
    if (sender === partyId) continue;
    const m = round2For(session, sender, partyId, p);
    if (m !== null) received.push(m);
  }
  const out = dkgFinish(st, received, random(rng));
  if (!out.ok)
    return {
      ok: false,
      missingShares: [...new Set(out.faults.map((f) => f.party))].sort((a, b) => a - b),
      complaints: out.complaints.map(complaintJson).sort((a, b) => a.accused - b.accused),
    };
  const r = out.result;
  const keyIdSecrets: Record<string, Hex> = {};
  for (const [k, x] of r.keyIdSecrets) keyIdSecrets[String(k)] = scalarHex(x);
  return {
    ok: true,
    result: {
      groupKey: pointHex(r.groupKey),
      echoHash: bytesToHex(r.echo),
      keyIdPublicShares: [...r.keyIdPublicShares].map(([keyId, Y]) => ({
        keyId,
        publicShare: pointHex(Y),
      })),
      keyIdSecrets,
    },
  };
}

function complaintJson(c: DkgComplaint): Complaint {
  return {
    accused: c.accused,
    ecdhPoint: pointHex(c.ecdh),
    proof: { challenge: scalarHex(c.proof.c), response: scalarHex(c.proof.z) },
  };
}

/**
 * A complaint against `accused` with a valid DLEQ proof of the real ECDH point (what an honest
 * complainer sends; the simulation's false accuser uses it against an honest party).
 */
export function complain(
  session: DkgSession,
  complainer: number,
  accused: number,
  secret: DkgSecret,
  accusedPublic: PublicShares,
  rng: RNG,
): Complaint {
  const id32 = frostDkgId(session);
  const context = concatBytes(id32, u32(complainer), u32(accused));
  const B = parse(accusedPublic.keyExchange.publicKey);
  const { K, proof } = proveDleq(context, big(secret.kexSecret), B, random(rng));
  return complaintJson({ dkgId: id32, complainer, accused, ecdh: K, proof });
}

/** Third-party verdict on a complaint, from public data (@peg/frost `judgeComplaint`). */
export function judge(
  layout: LayoutSpec,
  session: DkgSession,
  complainer: number,
  c: Complaint,
  publics: ReadonlyMap<number, PublicShares>,
  accusedPrivate: PrivateShares | undefined,
  rng: RNG,
): { guilty: number; reason: string } {
  const round1s = new Map<number, DkgRound1>();
  for (const id of [complainer, c.accused]) {
    const p = publics.get(id);
    if (p !== undefined) round1s.set(id, toRound1(session, id, p));
  }
  try {
    const v = judgeComplaint(
      layoutOf(layout),
      {
        dkgId: frostDkgId(session),
        complainer,
        accused: c.accused,
        ecdh: parse(c.ecdhPoint),
        proof: { c: big(c.proof.challenge), z: big(c.proof.response) },
      },
      round1s,
      accusedPrivate === undefined
        ? undefined
        : (round2For(session, c.accused, complainer, accusedPrivate) ?? undefined),
      random(rng),
    );
    return { guilty: v.guilty, reason: v.reason };
  } catch {
    // Not judgeable (accused or complainer outside the layout, a point off the curve): the
    // complainer made a complaint that cannot stand.
    return { guilty: complainer, reason: 'invalid-complaint' };
  }
}

/** What the coordinator expects every party to report: group key, echo hash, group polynomial. */
export function expectedResult(
  layout: LayoutSpec,
  session: DkgSession,
  publics: ReadonlyMap<number, PublicShares>,
): { groupKey: Hex; echoHash: Hex; groupCommitments: PointT[] } {
  const id32 = frostDkgId(session);
  const round1s = new Map<number, DkgRound1>();
  for (const p of layout.parties) round1s.set(p.id, toRound1(session, p.id, publics.get(p.id)!));
  const T = layout.threshold;
  const sum: PointT[] = Array.from({ length: T }, () => Point.ZERO);
  for (const m of round1s.values())
    for (let i = 0; i < T; i++) sum[i] = sum[i]!.add(m.commitments[i]!);
  return {
    groupKey: pointHex(sum[0]!),
    echoHash: bytesToHex(echoHash(id32, round1s)),
    groupCommitments: sum,
  };
}

/**
 * Checks every reported key-id public share against the group polynomial at once; returns the
 * parties that reported a wrong (or no) share.
 */
export function publicShareCulprits(
  layout: LayoutSpec,
  groupCommitments: readonly PointT[],
  reported: ReadonlyMap<number, Hex>,
  rng: RNG,
): number[] {
  const shares = new Map<number, PointT>();
  for (const [k, h] of reported) shares.set(k, parse(h));
  const r = verifyKeyIdPublicShares(layoutOf(layout), groupCommitments, shares, random(rng));
  return r.ok ? [] : [...r.culprits];
}
