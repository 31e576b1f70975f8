/**
 * Scripted adversaries: each rewrites (or drops, or delays) what one signer sends, per recipient,
 * re-signing its evidence with its own identity key so that the lie is authentic.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { dkgComplain, dkgRound1, type Rng } from '../crypto.ts';
import { signEvidence } from '../identity.ts';
import type { DkgPrivateShares, DkgPublicShares, ProtocolMessage } from '../messages.ts';
import type { SignerState } from '../signer/state.ts';
import type { Address } from '../types.ts';

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
export type Outbound = { message: ProtocolMessage; extraDelay: number } | null;

const N = secp256k1.Point.Fn.ORDER;
const bump = (hex: string): string =>
  ((BigInt(`0x${hex}`) + 1n) % N).toString(16).padStart(64, '0');

/** Applies behaviour `b` of signer `state` to one copy of `message` going to `to`. */
export function adversarial(
  b: Behaviour,
  state: SignerState,
  message: ProtocolMessage,
  to: Address,
  rng: Rng,
  slowDelay: number,
): Outbound {
  const secret = state.config.identitySecret;
  if (b.startsWith('dkg-') && b !== 'dkg-false-complaint' && message.type === 'dkg-end') {
    // A liar does not report its own lie (its local copy differs from what it sent).
    if (message.status.kind === 'success') return { message, extraDelay: 0 };
    const self = state.config.id;
    return {
      message: {
        ...message,
        status: {
          ...message.status,
          equivocation: message.status.equivocation.filter((e) => e.message.signerId !== self),
        },
      },
      extraDelay: 0,
    };
  }
  switch (b) {
    case 'honest':
      return { message, extraDelay: 0 };
    case 'silent':
      return null;
    case 'slow':
      return { message, extraDelay: slowDelay };
    case 'nonce-then-silent':
      return message.type === 'signature-share-response' ? null : { message, extraDelay: 0 };
    case 'bad-share':
      if (message.type !== 'signature-share-response') return { message, extraDelay: 0 };
      return {
        message: {
          ...message,
          shares: message.shares.map(bump),
        },
        extraDelay: 0,
      };
    case 'dkg-bad-pok':
      if (message.type !== 'dkg-public-shares') return { message, extraDelay: 0 };
      return {
        message: signEvidence<DkgPublicShares>(
          {
            ...message,
            package: {
              ...message.package,
              proof: { ...message.package.proof, s: bump(message.package.proof.s) },
            },
          },
          secret,
          rng,
        ),
        extraDelay: 0,
      };
    case 'dkg-bad-share': {
      if (message.type !== 'dkg-private-shares') return { message, extraDelay: 0 };
      const victim = state.config.federation.parties.find((p) => p.id !== state.config.id)!;
      const k = String(victim.keyIds[0]);
      const ct = message.shares[k];
      if (ct === undefined) return { message, extraDelay: 0 };
      const flipped = (Number.parseInt(ct.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0');
      return {
        message: signEvidence<DkgPrivateShares>(
          { ...message, shares: { ...message.shares, [k]: flipped + ct.slice(2) } },
          secret,
          rng,
        ),
        extraDelay: 0,
      };
    }
    case 'dkg-equivocate': {
      if (message.type !== 'dkg-public-shares') return { message, extraDelay: 0 };
      if (to.kind !== 'signer' || to.id % 2 === 0) return { message, extraDelay: 0 };
      const other = dkgRound1(
        { dkgId: message.dkgId },
        state.config.id,
        state.config.federation.threshold,
        rng,
      );
      return {
        message: signEvidence<DkgPublicShares>({ ...message, package: other.public }, secret, rng),
        extraDelay: 0,
      };
    }
    case 'dkg-false-complaint': {
      if (message.type !== 'dkg-end' || state.dkg === null) return { message, extraDelay: 0 };
      const victim = state.config.federation.parties.find(
        (p) => p.id !== state.config.id && state.dkg!.privates[String(p.id)] !== undefined,
      );
      const own = state.config.federation.parties.find((p) => p.id === state.config.id)!;
      if (victim === undefined) return { message, extraDelay: 0 };
      const victimPublic = state.dkg.publics[String(victim.id)]!;
      return {
        message: {
          ...message,
          status: {
            kind: 'failure',
            badPublicShares: [],
            equivocation: [],
            missing: [],
            badPrivateShares: [
              {
                complaint: dkgComplain(state.dkg.secret, victimPublic.package, own.keyIds[0]!, rng),
                message: state.dkg.privates[String(victim.id)]!,
              },
            ],
          },
        },
        extraDelay: 0,
      };
    }
  }
}
