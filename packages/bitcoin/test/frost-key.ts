// A real threshold key for tests: noble's schnorr_FROST DKG (3-of-5, seeded). Its DKG output
// is already TapTweaked (frost-secp256k1-tr compatibility), so commitments[0] minus the prefix
// byte IS the Taproot output key Q: never tweak it again. Tests only; @peg/frost replaces it
// once it has landed.
import { schnorr_FROST } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';

type Key = ReturnType<typeof schnorr_FROST.DKG.round3>;

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

export type ThresholdKey = { outputKey: Uint8Array; keys: Key[]; min: number };

/** Run a full DKG in process: every participant's round1, round2 and round3. */
export function thresholdKey(seed: string, min = 3, max = 5): ThresholdKey {
  const rng = seededRng(seed);
  const signers = { min, max };
  const ids = Array.from({ length: max }, (_, i) => schnorr_FROST.Identifier.fromNumber(i + 1));
  const r1 = ids.map((id) => schnorr_FROST.DKG.round1(id, signers, undefined, rng));
  const r2 = r1.map((p, i) =>
    schnorr_FROST.DKG.round2(
      p.secret,
      r1.filter((_, j) => j !== i).map((o) => o.public),
    ),
  );
  const keys = r1.map((p, i) =>
    schnorr_FROST.DKG.round3(
      p.secret,
      r1.filter((_, j) => j !== i).map((o) => o.public),
      r2.filter((_, j) => j !== i).map((m) => m[ids[i]!]!),
    ),
  );
  const group = keys[0]!.public.commitments[0]!;
  return { outputKey: group.slice(1), keys, min };
}

/** A full FROST signing round by the first `min` participants over one message. */
export function thresholdSign(key: ThresholdKey, msg: Uint8Array, seed: string): Uint8Array {
  const rng = seededRng(seed);
  const signing = key.keys.slice(0, key.min);
  const rounds = signing.map((k) => schnorr_FROST.commit(k.secret, rng));
  const commitments = rounds.map((r) => r.commitments);
  const shares: Record<string, Uint8Array> = {};
  for (const [i, k] of signing.entries()) {
    shares[k.secret.identifier] = schnorr_FROST.signShare(
      k.secret,
      k.public,
      rounds[i]!.nonces,
      commitments,
      msg,
    );
  }
  return schnorr_FROST.aggregate(signing[0]!.public, commitments, msg, shares);
}
