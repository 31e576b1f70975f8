/**
 * The federation as every machine sees it (from the registry contract), its validation, and the
 * small lookups the machines share (weights, parties, the signing layout, the DKG session).
 */
import { jsonDigest } from './digests.ts';
import type { DkgSession } from './dkg-crypto.ts';
import type { Hex } from './hex.ts';
import type { Timeouts } from './timeouts.ts';

/** One party (signer) of the federation. */
export type PartyInfo = {
  /** Party (signer) id, 1-based, unique. */
  id: number;
  /** Key ids owned by the party (its weight); 1-based, disjoint across parties. */
  keyIds: number[];
  /** BIP340 x-only identity key (signs the DKG and nonce messages used as evidence). */
  publicKey: Hex;
};

/** Bitcoin networks (they set the peg address prefix: bc, tb, bcrt). */
export type Network = 'bitcoin' | 'testnet' | 'regtest';

/** The federation as every machine sees it (from the registry contract). */
export type FederationConfig = {
  network: Network;
  parties: PartyInfo[];
  /** Signing threshold, in key ids. */
  threshold: number;
  /** Key ids that must take part for a DKG to succeed (>= threshold). */
  dkgThreshold: number;
  timeouts: Timeouts;
};

/** Sum of key ids owned by the given parties. */
export function weightOf(config: FederationConfig, partyIds: Iterable<number>): number {
  let w = 0;
  for (const id of partyIds) w += config.parties.find((p) => p.id === id)?.keyIds.length ?? 0;
  return w;
}

/** The party with this id, or undefined. */
export function partyOf(config: FederationConfig, id: number): PartyInfo | undefined {
  return config.parties.find((p) => p.id === id);
}

/** Validates a federation config; throws a RangeError naming the bad field. */
export function assertConfig(config: FederationConfig): void {
  const ids = new Set<number>();
  const keys = new Set<number>();
  if (!['bitcoin', 'testnet', 'regtest'].includes(config.network))
    throw new RangeError('"network" expected bitcoin, testnet or regtest');
  if (config.parties.length === 0) throw new RangeError('"parties" expected at least one party');
  for (const p of config.parties) {
    if (!Number.isInteger(p.id) || p.id < 1 || ids.has(p.id))
      throw new RangeError(`"parties" expected unique positive ids, got ${p.id}`);
    ids.add(p.id);
    if (p.keyIds.length === 0) throw new RangeError(`party ${p.id} owns no key ids`);
    for (const k of p.keyIds) {
      if (!Number.isInteger(k) || k < 1 || keys.has(k))
        throw new RangeError(`"keyIds" expected unique positive ids, got ${k}`);
      keys.add(k);
    }
    if (!/^[0-9a-f]{64}$/.test(p.publicKey))
      throw new RangeError(`party ${p.id} "publicKey" expected 32-byte x-only hex`);
  }
  for (let k = 1; k <= keys.size; k++)
    if (!keys.has(k))
      throw new RangeError(`"keyIds" expected exactly 1..${keys.size}, missing ${k}`);
  if (!Number.isInteger(config.threshold) || config.threshold < 2 || config.threshold > keys.size)
    throw new RangeError(`"threshold" expected 2..${keys.size}, got ${config.threshold}`);
  const t = config.timeouts;
  for (const [k, v] of Object.entries(t))
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`"timeouts.${k}" expected > 0 ms`);
  // Every phase opens with a broadcast that backups hear; a phase lasts at most its timeout, so
  // a takeover longer than any phase never fires while the active coordinator is working.
  const longest = Math.max(t.dkgPublic, t.dkgPrivate, t.dkgEnd, t.nonce, t.sign);
  if (t.takeover <= longest + t.resend)
    throw new RangeError(`"timeouts.takeover" expected > ${longest + t.resend} ms (longest phase)`);
  if (config.dkgThreshold < config.threshold || config.dkgThreshold > keys.size)
    throw new RangeError(
      `"dkgThreshold" expected ${config.threshold}..${keys.size}, got ${config.dkgThreshold}`,
    );
}

/** The signing layout of @peg/frost's weighted layer for this federation. */
export function layoutSpec(config: FederationConfig): {
  parties: { id: number; keyIds: number[] }[];
  threshold: number;
} {
  return {
    parties: config.parties.map((p) => ({ id: p.id, keyIds: p.keyIds })),
    threshold: config.threshold,
  };
}

const sessionDigests = new WeakMap<FederationConfig, string>();

/**
 * The DKG session of `dkgId` in this federation: the counter and a digest of what defines the
 * federation (network, threshold, every party's id, key ids and identity key), so that a DKG's
 * proofs and ciphertexts are bound to both (`frostDkgId`).
 */
export function dkgSession(config: FederationConfig, dkgId: number): DkgSession {
  let federation = sessionDigests.get(config);
  if (federation === undefined) {
    federation = jsonDigest('peg/protocol/federation', {
      network: config.network,
      threshold: config.threshold,
      parties: [...config.parties]
        .sort((a, b) => a.id - b.id)
        .map((p) => ({ id: p.id, keyIds: p.keyIds, publicKey: p.publicKey })),
    });
    sessionDigests.set(config, federation);
  }
  return { dkgId, federation };
}
