/**
 * Scripted adversaries: each rewrites (or drops, or delays) what one signer sends, per recipient.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { RNG } from '@peg/frost';
import { complain, round1 } from '../dkg-crypto.ts';
import type { Outgoing, WireEnvelopeOf } from '../envelopes.ts';
import { dkgSession, layoutSpec } from '../federation.ts';
import type { Address } from '../machine.ts';
import type { SignerState } from '../signer/state.ts';

/** Scripted behaviours of one signer. */
export type Behaviour =
  | 'honest'
  /** Sends nothing at all. */
  | 'silent'
  /** Commits nonces, then never sends a share. */
  | 'nonce-then-silent'
  /** Commits nonces, then sends a share that does not verify. */
  | 'bad-share'
  /** Honest, but every message is delayed by `slowDelay`. */
  | 'slow'
  /** DKG: a proof of knowledge that does not verify. */
  | 'dkg-bad-pok'
  /** DKG: a private share (to the lowest other party) that does not match its commitment. */
  | 'dkg-bad-share'
  /** DKG: a different commitment to odd-numbered recipients than to everyone else. */
  | 'dkg-equivocate'
  /** DKG: accuses an honest party of a bad share it did not send. */
  | 'dkg-false-complaint';

export const MISBEHAVIOURS: readonly Behaviour[] = [
  'silent',
  'nonce-then-silent',
  'bad-share',
  'slow',
  'dkg-bad-pok',
  'dkg-bad-share',
  'dkg-equivocate',
  'dkg-false-complaint',
];

/** What the relay should do with one outbound copy. */
export type Outbound = { message: Outgoing; extraDelay: number } | null;

const N = secp256k1.Point.Fn.ORDER;
const bump = (hex: string): string =>
  ((BigInt(`0x${hex}`) + 1n) % N).toString(16).padStart(64, '0');
const keep = (message: Outgoing): Outbound => ({ message, extraDelay: 0 });

/**
 * Applies behaviour `b` of signer `state` to one copy of `message` going to `to`. The simulation
 * seals the result with the signer's own identity key, so every lie is an authentic message.
 */
export function adversarial(
  b: Behaviour,
  state: SignerState,
  message: Outgoing,
  to: Address,
  rng: RNG,
  slowDelay: number,
): Outbound {
  switch (b) {
    case 'honest':
      return keep(message);
    case 'silent':
      return null;
    case 'slow':
      return { message, extraDelay: slowDelay };
    case 'nonce-then-silent':
      return message.kind === 'signature-share-response' ? null : keep(message);
    case 'bad-share':
      if (message.kind !== 'signature-share-response') return keep(message);
      return keep({ ...message, payload: { shares: message.payload.shares.map(bump) } });
    case 'dkg-bad-pok': {
      if (message.kind !== 'dkg-public-shares') return keep(message);
      const p = message.payload;
      const pok = { ...p.proofOfKnowledge, z: bump(p.proofOfKnowledge.z) };
      return keep({ ...message, payload: { ...p, proofOfKnowledge: pok } });
    }
    case 'dkg-bad-share': {
      if (message.kind !== 'dkg-private-shares') return keep(message);
      // The first ciphertext for the lowest other party, one bit flipped.
      const [victim, ...rest] = message.payload.shares;
      if (victim === undefined) return keep(message);
      const [first, ...others] = victim.keyShares;
      const ct = first!.ciphertext;
      const flipped = (Number.parseInt(ct.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0');
      const bad = {
        ...victim,
        keyShares: [{ ...first!, ciphertext: flipped + ct.slice(2) }, ...others],
      };
      return keep({ ...message, payload: { shares: [bad, ...rest] } });
    }
    case 'dkg-equivocate': {
      // Odd-numbered signers get another polynomial than everyone else (and the coordinator).
      if (message.kind !== 'dkg-public-shares') return keep(message);
      if (to.kind !== 'signer' || to.id % 2 === 0) return keep(message);
      const fed = state.config.federation;
      const other = round1(layoutSpec(fed), dkgSession(fed, message.dkgId), state.config.id, rng);
      return keep({ ...message, payload: other.payload });
    }
    case 'dkg-false-complaint': {
      // Reports an honest party's good shares as bad, with a valid proof of the real ECDH point.
      const dkg = state.dkg;
      if (message.kind !== 'dkg-end' || message.payload.status.type !== 'ok' || dkg === null)
        return keep(message);
      const victim = dkg.endBegin?.partyIds.find((id) => id !== state.config.id);
      const victimPublic = victim === undefined ? undefined : dkg.publics[String(victim)];
      if (victim === undefined || victimPublic === undefined) return keep(message);
      const complaint = complain(
        dkgSession(state.config.federation, dkg.dkgId),
        state.config.id,
        victim,
        dkg.secret,
        (victimPublic as WireEnvelopeOf<'dkg-public-shares'>).payload,
        rng,
      );
      return keep({
        ...message,
        payload: {
          status: { type: 'failed', reasons: [{ type: 'complaints', complaints: [complaint] }] },
        },
      });
    }
  }
}
