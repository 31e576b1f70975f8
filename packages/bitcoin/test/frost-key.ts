// Real threshold keys for tests: a full in-process DKG (3-of-5, seeded) with either
// @peg/frost's Taproot suite or noble's schnorr_FROST. Both follow frost-secp256k1-tr: the DKG
// output is already TapTweaked (empty merkle root), so commitments[0] minus its prefix byte IS
// the Taproot output key Q. Never tweak it again.
import { schnorr_FROST } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { taproot as pegFrost } from '@peg/frost';

type Id = string;
type Round1Public = { identifier: Id };
type Key = {
  public: { commitments: readonly Uint8Array[] };
  secret: { identifier: Id };
};
type Commitments = { identifier: Id };

/** The part of a FROST implementation these tests drive (noble's API, mirrored by @peg/frost). */
export type FrostImpl = {
  Identifier: { fromNumber(n: number): Id };
  DKG: {
    round1(
      id: Id,
      signers: { min: number; max: number },
      secret: undefined,
      rng: (n?: number) => Uint8Array,
    ): { public: Round1Public; secret: unknown };
    round2(secret: never, others: never[]): Record<Id, unknown>;
    round3(secret: never, round1: never[], round2: never[]): Key;
  };
  commit(
    secret: never,
    rng: (n?: number) => Uint8Array,
  ): { nonces: unknown; commitments: Commitments };
  signShare(secret: never, pub: never, nonces: never, list: never[], msg: Uint8Array): Uint8Array;
  aggregate(pub: never, list: never[], msg: Uint8Array, shares: Record<Id, Uint8Array>): Uint8Array;
};

export const FROST_IMPLS: Record<string, FrostImpl> = {
  '@peg/frost taproot': pegFrost as unknown as FrostImpl,
  'noble schnorr_FROST': schnorr_FROST as unknown as FrostImpl,
};

/** Deterministic byte source for tests (SHA-256 in counter mode over a seed). */
export function seededRng(seed: string): (n?: number) => Uint8Array {
  let counter = 0;
  const enc = new TextEncoder();
  return (n = 32) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const block = sha256(enc.encode(`${seed}/${counter++}`));
      out.set(block.subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  };
}

export type ThresholdKey = { impl: FrostImpl; outputKey: Uint8Array; keys: Key[]; min: number };

/** Run a full DKG in process: every participant's round1, round2 and round3. */
export function thresholdKey(
  seed: string,
  impl: FrostImpl = FROST_IMPLS['@peg/frost taproot']!,
  min = 3,
  max = 5,
): ThresholdKey {
  const rng = seededRng(seed);
  const signers = { min, max };
  const ids = Array.from({ length: max }, (_, i) => impl.Identifier.fromNumber(i + 1));
  const r1 = ids.map((id) => impl.DKG.round1(id, signers, undefined, rng));
  const others = <T>(xs: T[], i: number): never[] => xs.filter((_, j) => j !== i) as never[];
  const r2 = r1.map((p, i) =>
    impl.DKG.round2(
      p.secret as never,
      others(
        r1.map((o) => o.public),
        i,
      ),
    ),
  );
  const keys = r1.map((p, i) =>
    impl.DKG.round3(
      p.secret as never,
      others(
        r1.map((o) => o.public),
        i,
      ),
      others(
        r2.map((m) => m[ids[i]!]),
        i,
      ),
    ),
  );
  const group = keys[0]!.public.commitments[0]!;
  return { impl, outputKey: group.slice(1), keys, min };
}

/** A full FROST signing round by the first `min` participants over one message. */
export function thresholdSign(key: ThresholdKey, msg: Uint8Array, seed: string): Uint8Array {
  const { impl } = key;
  const rng = seededRng(seed);
  const signing = key.keys.slice(0, key.min);
  const rounds = signing.map((k) => impl.commit(k.secret as never, rng));
  const list = rounds.map((r) => r.commitments) as never[];
  const shares: Record<string, Uint8Array> = {};
  for (const [i, k] of signing.entries()) {
    shares[k.secret.identifier] = impl.signShare(
      k.secret as never,
      k.public as never,
      rounds[i]!.nonces as never,
      list,
      msg,
    );
  }
  return impl.aggregate(signing[0]!.public as never, list, msg, shares);
}
