/**
 * Signer side of signing. A nonce pair is committed once per (signId, iteration), answers at most
 * one share request (the same request again gets the same answer), and is erased with a `persist`
 * before any share leaves. Every refusal after the commitment burns the nonce too.
 */
import { jsonDigest } from '../digests.ts';
import { dkgVerification } from '../dkg-verification.ts';
import type { OutgoingOf, Payload, WireEnvelopeOf } from '../envelopes.ts';
import type { Hex } from '../hex.ts';
import type { Effect, Env } from '../machine.ts';
import { sameTweak } from '../output-key.ts';
import type { PolicyDecision } from '../policy.ts';
import { keyOfDkg } from '../retained-keys.ts';
import { activeOf } from '../selection.ts';
import { idScope } from '../session-ids.ts';
import { bodyDigest, type SignBody } from '../sign-body.ts';
import { commitNonces, signPackage } from '../signing-crypto.ts';
import { ignored, type Out, refusal, refused, send, toCoordinator } from './out.ts';
import type { ShareRefusal, SignerReport } from './reports.ts';
import { installKey, type SignerKey, type SignerSigning, type SignerState } from './state.ts';
import { transcriptConfirmed } from './transcript.ts';

/** Env of the signer (the common env: time and randomness). */
export type SignerEnv = Env;

type RequestPayload = Payload<'nonce-request'> | Payload<'signature-share-request'>;

const bodyOf = (p: RequestPayload): SignBody => ({
  messages: [...p.messages],
  withdrawalRequestIds: [...p.rebuild.withdrawalRequestIds],
  unsignedTransaction: p.rebuild.unsignedTransaction,
  tweak:
    p.tweak.type === 'none'
      ? { type: 'none' }
      : { type: 'taproot', merkleRoot: p.tweak.merkleRoot },
});

/** True when the body is the verification round of `key` (rebuilt here, never trusted). */
function isVerification(key: SignerKey, b: SignBody): boolean {
  const v = dkgVerification(key.dkgId, key.pub.groupKey);
  return (
    b.tweak.type === 'none' &&
    b.withdrawalRequestIds.length === 0 &&
    b.unsignedTransaction === v.preimage &&
    b.messages.length === 1 &&
    b.messages[0] === v.message
  );
}

/**
 * The key a request signs with: the pending key for its own verification round; the verified key
 * of the request's DKG id (the current one or a retained earlier one, `retained-keys.ts`) for a
 * peg-out; or the pending key for a peg-out once this signer signed its verification (its
 * `public-address-available` was lost, and the coordinator already uses the key).
 */
function keyFor(s: SignerState, dkgId: number, b: SignBody): SignerKey | null {
  const p = s.pending;
  if (p !== null && p.dkgId === dkgId) {
    if (isVerification(p, b)) return p;
    return p.verificationSigned ? p : null;
  }
  const k = keyOfDkg(s.current, s.previous, dkgId);
  return k !== null && k.status === 'verified' && b.tweak.type === 'taproot' ? k : null;
}

/** Adopts the pending key when a peg-out request uses it (see `keyFor`). */
function adopt(s: SignerState, key: SignerKey, b: SignBody): SignerState {
  if (s.pending !== key || isVerification(key, b)) return s;
  return installKey(s, key);
}

const cmp = (a: { signId: number; iteration: number }, b: { signId: number; iteration: number }) =>
  a.signId !== b.signId ? a.signId - b.signId : a.iteration - b.iteration;

export function onNonceRequest(s: SignerState, e: WireEnvelopeOf<'nonce-request'>, env: Env): Out {
  const ids = { signId: e.signId, iteration: e.iteration };
  const body = bodyOf(e.payload);
  const digest = bodyDigest(body);
  // Ids are ordered within the scope of the coordinator that issues them (the step checked it is
  // the active one): a new scope starts over, so no coordinator can exhaust them for the next.
  const scope = idScope(s.view, activeOf(s.view, s.config.federation.parties) ?? 0);
  const c = s.lastSign.scope === scope ? cmp(ids, s.lastSign) : 1;
  const sg = s.signing;
  if (c === 0 && sg !== null && sg.signId === e.signId && sg.iteration === e.iteration) {
    // The same request again (our answer was lost): the same commitment, never a new nonce.
    if (sg.nonces !== null && sg.bodyDigest === digest && sg.dkgId === e.dkgId)
      return { state: s, effects: [send(toCoordinator(s), sg.response)] };
    return ignored(s, 'old-id', e.kind);
  }
  if (c <= 0) return ignored(s, 'old-id', e.kind);
  const key = keyFor(s, e.dkgId, body);
  if (key === null) return refused(s, 'unknown-key', ids);
  // No verification share (so no adoption) until every holder signed the transcript we used.
  if (key === s.pending && !transcriptConfirmed(s, key))
    return refused(s, 'transcript-unconfirmed', ids);
  const s1 = adopt(s, key, body);
  const { nonces, commitments } = commitNonces(
    key.pub.layout,
    s.config.id,
    key.pub.groupKey,
    key.keyShares,
    body.tweak,
    body.messages.length,
    env.rng,
  );
  const response: OutgoingOf<'nonce-response'> = {
    kind: 'nonce-response',
    dkgId: e.dkgId,
    signId: e.signId,
    iteration: e.iteration,
    payload: { nonces: commitments },
  };
  const state: SignerState = {
    ...s1,
    lastSign: { scope, ...ids },
    signing: {
      dkgId: e.dkgId,
      signId: e.signId,
      iteration: e.iteration,
      body,
      bodyDigest: digest,
      nonces,
      response,
      answered: null,
      refused: null,
      awaitingPolicy: null,
    },
  };
  // Persist the secret nonces before the commitment leaves, so that after a restart they can
  // still answer (once) instead of leaving the round to time out.
  return { state, effects: [{ type: 'persist' }, send(toCoordinator(s), response)] };
}

export function onSignatureShareRequest(
  s: SignerState,
  e: WireEnvelopeOf<'signature-share-request'>,
): Out {
  const sg = s.signing;
  if (sg === null || sg.signId !== e.signId || sg.iteration !== e.iteration || sg.dkgId !== e.dkgId)
    return ignored(s, 'not-current', e.kind);
  const ids = { signId: e.signId, iteration: e.iteration };
  const report = (reason: ShareRefusal) => refusal(reason, ids);
  const requestDigest = jsonDigest('peg/share-request', e.payload);
  if (sg.answered !== null) {
    if (sg.answered.requestDigest === requestDigest)
      return { state: s, effects: [send(toCoordinator(s), sg.answered.response)] };
    return { state: s, effects: [report('nonce-already-used')] };
  }
  if (sg.nonces === null)
    return {
      state: s,
      effects: [refusal('nonce-burnt', { ...ids, ...(sg.refused ? { cause: sg.refused } : {}) })],
    };
  const burn = (why: ShareRefusal): Out => ({
    // Burn the nonce: a "fixed" retry of a refused request must not get a share either.
    state: { ...s, signing: { ...sg, nonces: null, refused: why, awaitingPolicy: null } },
    effects: [{ type: 'persist' }, report(why)],
  });
  if (sg.awaitingPolicy !== null) {
    // Asked already: the same request again re-asks (the shell may have lost the question);
    // another request for this nonce is refused and burns it.
    if (sg.awaitingPolicy.requestDigest !== requestDigest) return burn('nonce-already-used');
    return { state: s, effects: [askPolicy(sg)] };
  }
  const problem = checkRequest(s, e);
  if (problem !== null) return burn(problem);
  const key = keyFor(s, e.dkgId, sg.body)!;
  if (isVerification(key, sg.body)) return share(s, { requestDigest, envelope: e });
  const waiting: SignerSigning = { ...sg, awaitingPolicy: { requestDigest, envelope: e } };
  return { state: { ...s, signing: waiting }, effects: [askPolicy(waiting)] };
}

const askPolicy = (sg: SignerSigning): Effect<SignerReport> => ({
  type: 'check-policy',
  request: {
    dkgId: sg.dkgId,
    signId: sg.signId,
    iteration: sg.iteration,
    withdrawalRequestIds: [...sg.body.withdrawalRequestIds],
    unsignedTransaction: sg.body.unsignedTransaction,
    tweak: sg.body.tweak,
  },
});

type ApprovedRequest = { requestDigest: Hex; envelope: WireEnvelopeOf<'signature-share-request'> };

/** Computes and sends the share: the nonce is erased in the state persisted before it leaves. */
function share(s: SignerState, req: ApprovedRequest): Out {
  const sg = s.signing!;
  const e = req.envelope;
  const key = keyFor(s, e.dkgId, sg.body)!;
  // Signing takes the nonces only from a state that says they are unused: never from one that
  // records an answer or a refusal for them (a stale or hand-edited state), whatever `nonces` holds.
  if (sg.nonces === null || sg.answered !== null || sg.refused !== null)
    return {
      state: { ...s, signing: { ...sg, nonces: null, awaitingPolicy: null } },
      effects: [
        { type: 'persist' },
        refusal('nonce-already-used', { signId: e.signId, iteration: e.iteration }),
      ],
    };
  let shares: Hex[];
  try {
    shares = signPackage(
      key.pub.layout,
      s.config.id,
      key.pub.groupKey,
      key.keyShares,
      sg.nonces,
      sg.response.payload.nonces,
      {
        messages: e.payload.messages,
        commitments: e.payload.commitments.map((c) => ({ partyId: c.partyId, pairs: c.nonces })),
      },
      sg.body.tweak,
    );
  } catch {
    // Checked before; anything @peg/frost still rejects burns the nonce like any refusal.
    return {
      state: {
        ...s,
        signing: { ...sg, nonces: null, refused: 'rejected-package', awaitingPolicy: null },
      },
      effects: [
        { type: 'persist' },
        refusal('rejected-package', { signId: e.signId, iteration: e.iteration }),
      ],
    };
  }
  const response: OutgoingOf<'signature-share-response'> = {
    kind: 'signature-share-response',
    dkgId: e.dkgId,
    signId: e.signId,
    iteration: e.iteration,
    payload: { shares },
  };
  let state: SignerState = {
    ...s,
    signing: {
      ...sg,
      nonces: null,
      awaitingPolicy: null,
      answered: { requestDigest: req.requestDigest, response },
    },
  };
  if (
    state.pending !== null &&
    state.pending.dkgId === e.dkgId &&
    isVerification(state.pending, sg.body)
  )
    state = { ...state, pending: { ...state.pending, verificationSigned: true } };
  // Write-ahead: "nonce used" is durable before the share leaves.
  return {
    state,
    effects: [
      { type: 'persist' },
      send(toCoordinator(s), response),
      {
        type: 'report',
        report: { kind: 'share-sent', dkgId: e.dkgId, signId: e.signId, iteration: e.iteration },
      },
    ],
  };
}

/** Every check of a share request; returns the refusal reason or null. */
function checkRequest(
  s: SignerState,
  e: WireEnvelopeOf<'signature-share-request'>,
): ShareRefusal | null {
  const sg = s.signing!;
  const body = bodyOf(e.payload);
  if (bodyDigest(body) !== sg.bodyDigest) return 'body-changed';
  const key = keyFor(s, e.dkgId, body);
  if (key === null) return 'unknown-key';
  const layout = key.pub.layout;
  const list = e.payload.commitments;
  let own = 0;
  let weight = 0;
  const mine = new Set(sg.response.payload.nonces.flatMap((n) => [n.hiding, n.binding]));
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (i > 0 && c.partyId <= list[i - 1]!.partyId) return 'unsorted-signers';
    const party = layout.parties.find((p) => p.id === c.partyId);
    if (party === undefined) return 'not-a-key-holder';
    if (c.keyIds.length !== party.keyIds.length || c.keyIds.some((k, j) => k !== party.keyIds[j]))
      return 'bad-key-ids';
    if (c.nonces.length !== body.messages.length) return 'bad-nonce-count';
    weight += party.keyIds.length;
    if (c.partyId === s.config.id) {
      own++;
      const ours = sg.response.payload.nonces;
      if (c.nonces.some((n, j) => n.hiding !== ours[j]!.hiding || n.binding !== ours[j]!.binding))
        return 'own-commitment-altered';
    } else if (c.nonces.some((n) => mine.has(n.hiding) || mine.has(n.binding)))
      // Our nonce under another party's name: signing would use it twice in one equation.
      return 'own-commitment-duplicated';
  }
  if (own !== 1) return own === 0 ? 'not-in-signing-set' : 'own-commitment-duplicated';
  // Points: `open` checked every one on the curve, and @peg/frost parses them again when it signs
  // (a bad one burns the nonce there); a third decoding here cost 30 % of a 150-party round.
  if (weight < layout.threshold) return 'below-threshold';
  return null;
}

/** Why a policy decision does not allow signing `body`, or null. */
function policyProblem(d: PolicyDecision, body: SignBody): ShareRefusal | null {
  if (!d.approve) return 'policy-refused';
  if (
    d.messages.length !== body.messages.length ||
    d.messages.some((x, i) => x !== body.messages[i])
  )
    return 'policy-messages-differ';
  if (d.tweak !== undefined && !sameTweak(d.tweak, body.tweak)) return 'policy-output-differs';
  return null;
}

/**
 * The shell's answer to a `check-policy` effect. A decision for another request, or one that
 * arrives after the nonce was used or burnt, is ignored.
 */
export function onPolicyDecision(
  s: SignerState,
  input: { signId: number; iteration: number; decision: PolicyDecision },
): Out {
  const sg = s.signing;
  if (
    sg === null ||
    sg.signId !== input.signId ||
    sg.iteration !== input.iteration ||
    sg.awaitingPolicy === null ||
    sg.nonces === null
  )
    return ignored(s, 'not-current', 'policy');
  const problem = policyProblem(input.decision, sg.body);
  if (problem !== null)
    return {
      state: { ...s, signing: { ...sg, nonces: null, refused: problem, awaitingPolicy: null } },
      effects: [
        { type: 'persist' },
        refusal(problem, {
          signId: sg.signId,
          iteration: sg.iteration,
          ...(input.decision.approve ? {} : { detail: input.decision.reason }),
        }),
      ],
    };
  return share(s, sg.awaitingPolicy);
}
