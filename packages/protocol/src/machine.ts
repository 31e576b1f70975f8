/**
 * The shape of the sans-IO machines: `step(state, input, env) -> { state, effects }`; time and
 * randomness come only from `env`. The effect driver (`effect-driver/`) executes the effects.
 */
import type { RNG } from '@peg/frost';
import type { Outgoing, WireEnvelope } from './envelopes.ts';
import type { PolicyRequest } from './policy.ts';

/** What the shell passes into every step: the current time (ms) and a randomness source. */
export type Env = { now: number; rng: RNG };

/**
 * Where a `send` effect goes. `broadcast` reaches every signer and every coordinator; `signers`
 * is one message for several signers (sealed once, posted once to all their inboxes), never
 * with an empty list.
 */
export type Address =
  | { kind: 'broadcast' }
  | { kind: 'signer'; id: number }
  | { kind: 'signers'; ids: number[] }
  | { kind: 'coordinator'; id: number };

/**
 * Effects, executed by the shell in order. `persist` means "durably save the state returned by
 * this step now"; it always precedes a `send` that reveals the use of a nonce or a new secret.
 * `send` is sealed by the shell (`sealJson` with its identity key and chain tip); `forward`
 * posts another party's envelope unchanged (its signature still proves who wrote it).
 */
export type Effect<R> =
  | { type: 'send'; to: Address; message: Outgoing }
  | { type: 'forward'; to: Address; envelope: WireEnvelope }
  /** Signer: ask the policy; the shell answers with a `policy` input (it may need I/O first). */
  | { type: 'check-policy'; request: PolicyRequest }
  | { type: 'set-timer'; id: string; at: number }
  | { type: 'cancel-timer'; id: string }
  | { type: 'persist' }
  | { type: 'report'; report: R };

/** The result of one step. */
export type Step<S, R> = { state: S; effects: Effect<R>[] };
