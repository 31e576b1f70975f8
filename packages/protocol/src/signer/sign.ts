/**
 * Signer side of signing. A nonce pair is committed once per (signId, iterId), answers at most one
 * share request (the same request again gets the same bytes), and is erased with a `persist`
 * before any share leaves. Every refusal after the commitment burns the nonce too.
 */
import {
  commitNonces,
  dkgVerificationMessage,
  isMerkleRoot,
  jsonDigest,
  signPackage,
  validCommitments,
  verifyBip340,
} from '../crypto.ts';
import { signEvidence, verifyEvidenceBatch } from '../identity.ts';
import type {
  NonceRequest,
  NonceResponse,
  SignatureShareRequest,
  SignatureShareResponse,
  SignRequestBody,
} from '../messages.ts';
import { type Effect, type Env, layoutSpec, partyOf, weightOf } from '../types.ts';
import { ignored, send, toCoordinator } from './dkg.ts';
import type { SignerReport } from './reports.ts';
import type { SignerKey, SignerState } from './state.ts';

type Out = { state: SignerState; effects: Effect<SignerReport>[] };

/** Approval of one signing request, from the signer's own view of the chains. */
export type PolicyDecision =
  | {
      approve: true;
      messages: string[];
      /** The output the transaction spends (checked against the request when given). */
      merkleRoot?: string | null;
    }
  | { approve: false; reason: string };
/**
 * The policy callback: given the request ids and the transaction, it rebuilds the messages
 * (sighashes) itself and approves or refuses. The signer signs only if the rebuilt messages equal
 * the requested ones.
 */
export type Policy = (request: {
  signId: number;
  requestIds: string[];
  payload: string;
}) => PolicyDecision;

/** Env of the signer: the common env plus the policy callback. */
export type SignerEnv = Env & { policy: Policy };

/** Upper bound on messages per round (one per transaction input). */
export const MAX_MESSAGES = 256;

/** Digest binding every field of a request body. */
export const bodyDigest = (b: SignRequestBody): string =>
  jsonDigest('peg/sign-body', {
    purpose: b.purpose,
    requestIds: b.requestIds,
    payload: b.payload,
    messages: b.messages,
    merkleRoot: b.merkleRoot,
  });

const bodyOf = (m: SignRequestBody): SignRequestBody => ({
  purpose: m.purpose,
  requestIds: [...m.requestIds],
  payload: m.payload,
  messages: [...m.messages],
  merkleRoot: m.merkleRoot,
});

function keyFor(s: SignerState, m: NonceRequest | SignatureShareRequest): SignerKey | null {
  if (m.purpose === 'dkg-verification') {
    const k = s.pending;
    if (m.merkleRoot !== null) return null;
    if (k === null || k.dkgId !== m.dkgId) return null;
    const expected = dkgVerificationMessage(k.dkgId, k.pub.commitments[0]!);
    return m.messages.length === 1 && m.messages[0] === expected ? k : null;
  }
  const k = s.current;
  return k !== null && k.dkgId === m.dkgId && k.status === 'verified' ? k : null;
}

const cmp = (a: { signId: number; iterId: number }, b: { signId: number; iterId: number }) =>
  a.signId !== b.signId ? a.signId - b.signId : a.iterId - b.iterId;

/**
 * A peg-out request for the key still pending here (its `PublicAddressAvailable` was lost): the
 * request carries the key's verification signature; check it and adopt the key.
 */
function adoptVerifiedKey(s: SignerState, m: NonceRequest): SignerState {
  const k = s.pending;
  if (m.purpose !== 'sign' || k === null || k.dkgId !== m.dkgId || m.keyVerification === '')
    return s;
  const groupKey = k.pub.commitments[0]!;
  if (!verifyBip340(m.keyVerification, dkgVerificationMessage(k.dkgId, groupKey), groupKey))
    return s;
  return { ...s, current: { ...k, status: 'verified' }, pending: null };
}

export function onNonceRequest(s0: SignerState, m: NonceRequest, env: Env): Out {
  const s = adoptVerifiedKey(s0, m);
  const ids = { signId: m.signId, iterId: m.iterId };
  const c = cmp(ids, s.lastSign);
  if (
    c === 0 &&
    s.signing !== null &&
    s.signing.signId === m.signId &&
    s.signing.iterId === m.iterId
  ) {
    // The same request again (our answer was lost): the same commitment, never a new nonce.
    if (s.signing.nonces !== null && s.signing.bodyDigest === bodyDigest(m))
      return { state: s, effects: [send(toCoordinator(s), s.signing.response)] };
    return ignored(s, 'old-id', m.type);
  }
  if (c <= 0) return ignored(s, 'old-id', m.type);
  const refuse = (reason: string): Out => ({
    state: s,
    effects: [
      { type: 'report', report: { kind: 'refused', reason, signId: m.signId, iterId: m.iterId } },
    ],
  });
  if (m.messages.length === 0 || m.messages.length > MAX_MESSAGES)
    return refuse('bad-message-count');
  if (!m.messages.every((x) => /^[0-9a-f]{64}$/.test(x))) return refuse('bad-message');
  if (!isMerkleRoot(m.merkleRoot)) return refuse('bad-merkle-root');
  const key = keyFor(s, m);
  if (key === null) return refuse('unknown-key');
  const own = partyOf(s.config.federation, s.config.id)!.keyIds;
  if (!own.every((k) => key.keyShares[String(k)] !== undefined)) return refuse('not-a-key-holder');
  const { nonces, commitments } = commitNonces(
    layoutSpec(s.config.federation),
    s.config.id,
    key.pub.commitments[0]!,
    key.keyShares,
    m.merkleRoot,
    m.messages.length,
    env.rng,
  );
  const digest = bodyDigest(m);
  const response = signEvidence<NonceResponse>(
    {
      type: 'nonce-response',
      dkgId: m.dkgId,
      signId: m.signId,
      iterId: m.iterId,
      signerId: s.config.id,
      keyIds: [...own],
      bodyDigest: digest,
      nonces: commitments,
      signature: '',
    },
    s.config.identitySecret,
    env.rng,
  );
  const state: SignerState = {
    ...s,
    lastSign: ids,
    signing: {
      dkgId: m.dkgId,
      signId: m.signId,
      iterId: m.iterId,
      body: bodyOf(m),
      bodyDigest: digest,
      nonces,
      response,
      answered: null,
      refused: null,
    },
  };
  // Persist the secret nonces before the commitment leaves, so that after a restart they can
  // still answer (once) instead of leaving the round to time out.
  return { state, effects: [{ type: 'persist' }, send(toCoordinator(s), response)] };
}

export function onSignatureShareRequest(
  s: SignerState,
  m: SignatureShareRequest,
  env: SignerEnv,
): Out {
  const sg = s.signing;
  if (sg === null || sg.signId !== m.signId || sg.iterId !== m.iterId || sg.dkgId !== m.dkgId)
    return ignored(s, 'not-current', m.type);
  const report = (reason: string): Effect<SignerReport> => ({
    type: 'report',
    report: { kind: 'refused', reason, signId: m.signId, iterId: m.iterId },
  });
  const requestDigest = jsonDigest('peg/share-request', m);
  if (sg.answered !== null) {
    if (sg.answered.requestDigest === requestDigest)
      return { state: s, effects: [send(toCoordinator(s), sg.answered.response)] };
    return { state: s, effects: [report('nonce-already-used')] };
  }
  if (sg.nonces === null) return { state: s, effects: [report(`nonce-burnt:${sg.refused}`)] };
  const problem = checkRequest(s, m, env);
  if (problem !== null) {
    // Burn the nonce: a "fixed" retry of a refused request must not get a share either.
    const state: SignerState = { ...s, signing: { ...sg, nonces: null, refused: problem } };
    return { state, effects: [{ type: 'persist' }, report(problem)] };
  }
  const key = keyFor(s, m)!;
  let shares: string[];
  try {
    shares = signPackage(
      layoutSpec(s.config.federation),
      s.config.id,
      key.pub.commitments[0]!,
      key.keyShares,
      sg.nonces,
      sg.response.nonces,
      {
        messages: m.messages,
        commitments: m.nonceResponses.map((r) => ({ partyId: r.signerId, pairs: r.nonces })),
      },
      m.merkleRoot,
    );
  } catch {
    // Checked above; anything @peg/frost still rejects burns the nonce like any refusal.
    const state: SignerState = {
      ...s,
      signing: { ...sg, nonces: null, refused: 'rejected-package' },
    };
    return { state, effects: [{ type: 'persist' }, report('rejected-package')] };
  }
  const response: SignatureShareResponse = {
    type: 'signature-share-response',
    dkgId: m.dkgId,
    signId: m.signId,
    iterId: m.iterId,
    signerId: s.config.id,
    shares,
  };
  const state: SignerState = {
    ...s,
    signing: { ...sg, nonces: null, answered: { requestDigest, response } },
  };
  // Write-ahead: "nonce used" is durable before the share leaves.
  return {
    state,
    effects: [
      { type: 'persist' },
      send(toCoordinator(s), response),
      { type: 'report', report: { kind: 'share-sent', signId: m.signId, iterId: m.iterId } },
    ],
  };
}

/** Every check of a share request; returns the refusal reason or null. */
function checkRequest(s: SignerState, m: SignatureShareRequest, env: SignerEnv): string | null {
  const sg = s.signing!;
  const fed = s.config.federation;
  if (bodyDigest(m) !== sg.bodyDigest) return 'body-changed';
  const key = keyFor(s, m);
  if (key === null) return 'unknown-key';
  const list = m.nonceResponses;
  if (list.length === 0 || list.length > fed.parties.length) return 'bad-signer-count';
  const seen = new Set<number>();
  const others: { message: NonceResponse; publicKey: string }[] = [];
  let own = 0;
  for (const r of list) {
    if (seen.has(r.signerId)) return 'duplicate-signer';
    seen.add(r.signerId);
    const party = partyOf(fed, r.signerId);
    if (party === undefined) return 'unknown-signer';
    if (r.dkgId !== m.dkgId || r.signId !== m.signId || r.iterId !== m.iterId) return 'bad-ids';
    if (r.bodyDigest !== sg.bodyDigest) return 'split-messages';
    if (r.keyIds.length !== party.keyIds.length || r.keyIds.some((k, i) => k !== party.keyIds[i]))
      return 'bad-key-ids';
    if (!r.keyIds.every((k) => key.pub.verifyingShares[String(k)] !== undefined))
      return 'not-a-key-holder';
    if (r.nonces.length !== m.messages.length) return 'bad-nonce-count';
    if (r.signerId === s.config.id) {
      own++;
      if (jsonDigest('peg/nr', r) !== jsonDigest('peg/nr', sg.response))
        return 'own-commitment-altered';
    } else others.push({ message: r, publicKey: party.publicKey });
  }
  // Every other response must carry its sender's signature: a coordinator cannot forge what
  // another signer committed to (split messages, altered commitments).
  if (!verifyEvidenceBatch(others)) return 'bad-nonce-signature';
  if (own !== 1) return own === 0 ? 'not-in-signing-set' : 'own-commitment-duplicated';
  for (const r of list) if (!validCommitments(r.nonces)) return 'bad-commitments';
  for (let i = 1; i < list.length; i++)
    if (list[i]!.signerId <= list[i - 1]!.signerId) return 'unsorted-signers';
  if (weightOf(fed, seen) < fed.threshold) return 'below-threshold';
  if (m.purpose === 'sign') {
    const d = env.policy({ signId: m.signId, requestIds: [...m.requestIds], payload: m.payload });
    if (!d.approve) return `policy:${d.reason}`;
    if (d.messages.length !== m.messages.length || d.messages.some((x, i) => x !== m.messages[i]))
      return 'policy:messages-differ';
    if (d.merkleRoot !== undefined && d.merkleRoot !== m.merkleRoot) return 'policy:output-differs';
  }
  return null;
}
