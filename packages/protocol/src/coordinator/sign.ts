/**
 * Robust signing (FIRE/ROAST style): take the first parties whose key ids reach the threshold,
 * exclude a party that is silent after committing a nonce or sends a bad share, retry with a new
 * iteration. Every retry excludes at least one party, so at most n - t + 1 share phases run.
 */
import {
  aggregatePackage,
  isScalarHex,
  outputKey,
  validCommitments,
  verifyBip340,
} from '../crypto.ts';
import { verifyEvidence } from '../identity.ts';
import type {
  NonceRequest,
  NonceResponse,
  SignatureShareRequest,
  SignatureShareResponse,
  SignRequestBody,
} from '../messages.ts';
import { bodyDigest } from '../signer/sign.ts';
import type { Env } from '../types.ts';
import { layoutSpec, partyOf, weightOf } from '../types.ts';
import { arm, broadcast, type CEffect, disarm, type Out, report, toSigner } from './out.ts';
import type { CoordinatorKey, CoordinatorState, ExclusionReason, SignRun } from './state.ts';

/** How a run ended, for the caller (peg-out report or DKG verification). */
export type SignEnd =
  | { kind: 'signed'; run: SignRun; signatures: string[] }
  | { kind: 'failed'; run: SignRun };

export type SignOut = Out & { end?: SignEnd };

/** Starts a run: the first iteration's nonce request. */
export function startSign(
  s: CoordinatorState,
  key: CoordinatorKey,
  body: SignRequestBody,
  requireAll: boolean,
  env: Env,
): Out {
  const run: SignRun = {
    signId: s.maxSignId + 1,
    iterId: 0,
    body,
    key,
    requireAll,
    phase: 'nonce',
    excluded: {},
    order: [],
    nonces: {},
    request: null,
    shares: {},
    attempts: 0,
    nonceTimeouts: 0,
    startedAt: env.now,
  };
  return newIteration({ ...s, maxSignId: run.signId }, run, env);
}

const live = (run: SignRun): number[] =>
  run.key.holders.filter((id) => run.excluded[String(id)] === undefined);

function nonceRequest(run: SignRun): NonceRequest {
  return {
    type: 'nonce-request',
    dkgId: run.key.dkgId,
    signId: run.signId,
    iterId: run.iterId,
    keyVerification: run.body.purpose === 'sign' ? run.key.verification : '',
    ...run.body,
  };
}

function newIteration(s: CoordinatorState, run0: SignRun, env: Env): SignOut {
  const fed = s.config.federation;
  const iterId = Math.max(s.maxIterId, run0.iterId) + 1;
  const run: SignRun = {
    ...run0,
    iterId,
    phase: 'nonce',
    order: [],
    nonces: {},
    request: null,
    shares: {},
  };
  const state = { ...s, sign: run, maxIterId: iterId };
  const armed = arm(state, `nonce/${run.signId}/${iterId}`, env.now + fed.timeouts.nonce, env.now);
  // Persist the ids before they are used, so that a restart never reuses them.
  return {
    state: armed.state,
    effects: [...armed.effects, broadcast(nonceRequest(run))],
  };
}

function fail(s: CoordinatorState, run: SignRun): SignOut {
  const d = disarm({ ...s, sign: null });
  return { ...d, effects: [...d.effects, { type: 'persist' }], end: { kind: 'failed', run } };
}

/** Excludes parties and retries, or ends with `failed` when the rest cannot reach threshold. */
function retry(s: CoordinatorState, run: SignRun, env: Env): SignOut {
  const fed = s.config.federation;
  if (run.requireAll && Object.keys(run.excluded).length > 0) return fail(s, run);
  if (weightOf(fed, live(run)) < fed.threshold) return fail(s, run);
  return newIteration(s, run, env);
}

/** Checks a nonce response for this iteration: null if acceptable, else why it is bad. */
function badNonce(s: CoordinatorState, run: SignRun, m: NonceResponse): ExclusionReason | null {
  const party = partyOf(s.config.federation, m.signerId)!;
  if (m.bodyDigest !== bodyDigest(run.body)) return 'bad-nonce';
  if (m.keyIds.length !== party.keyIds.length || m.keyIds.some((k, i) => k !== party.keyIds[i]))
    return 'bad-nonce';
  if (m.nonces.length !== run.body.messages.length) return 'bad-nonce';
  if (!validCommitments(m.nonces)) return 'bad-nonce';
  return null;
}

export function onNonceResponse(
  s: CoordinatorState,
  from: number,
  m: NonceResponse,
  env: Env,
): SignOut {
  const run = s.sign;
  if (run === null || run.phase !== 'nonce') return { state: s, effects: [] };
  if (m.signId !== run.signId || m.iterId !== run.iterId || m.dkgId !== run.key.dkgId)
    return { state: s, effects: [] }; // late or replayed: ignored, never blamed
  const key = String(m.signerId);
  const party = partyOf(s.config.federation, m.signerId);
  if (m.signerId !== from || party === undefined || !run.key.holders.includes(m.signerId))
    return { state: s, effects: [] };
  if (run.excluded[key] !== undefined || run.nonces[key] !== undefined)
    return { state: s, effects: [] };
  if (!verifyEvidence(m, party.publicKey)) return { state: s, effects: [] };
  const bad = badNonce(s, run, m);
  if (bad !== null) {
    const next = { ...run, excluded: { ...run.excluded, [key]: bad } };
    if (next.requireAll) return fail(s, next);
    return { state: { ...s, sign: next }, effects: [] };
  }
  const next: SignRun = {
    ...run,
    order: [...run.order, m.signerId],
    nonces: { ...run.nonces, [key]: m },
  };
  return maybeRequestShares({ ...s, sign: next }, env);
}

function maybeRequestShares(s: CoordinatorState, env: Env): SignOut {
  const run = s.sign!;
  const fed = s.config.federation;
  let selected: number[];
  if (run.requireAll) {
    if (run.order.length < run.key.holders.length) return { state: s, effects: [] };
    selected = [...run.order];
  } else {
    selected = [];
    let w = 0;
    for (const id of run.order) {
      if (w >= fed.threshold) break;
      selected.push(id);
      w += partyOf(fed, id)!.keyIds.length;
    }
    if (w < fed.threshold) return { state: s, effects: [] };
  }
  selected.sort((a, b) => a - b);
  const request: SignatureShareRequest = {
    type: 'signature-share-request',
    dkgId: run.key.dkgId,
    signId: run.signId,
    iterId: run.iterId,
    ...run.body,
    nonceResponses: selected.map((id) => run.nonces[String(id)]!),
  };
  const next: SignRun = { ...run, phase: 'share', request, attempts: run.attempts + 1 };
  const armed = arm(
    { ...s, sign: next },
    `share/${run.signId}/${run.iterId}`,
    env.now + fed.timeouts.sign,
    env.now,
  );
  // Only the signing set gets the request; the others' nonces simply expire with the iteration.
  return {
    state: armed.state,
    effects: [...armed.effects, ...selected.map((id) => toSigner(id, request))],
  };
}

const signers = (run: SignRun): number[] => run.request!.nonceResponses.map((r) => r.signerId);

export function onShareResponse(
  s: CoordinatorState,
  from: number,
  m: SignatureShareResponse,
  env: Env,
): SignOut {
  const run = s.sign;
  if (run === null || run.phase !== 'share') return { state: s, effects: [] };
  if (m.signId !== run.signId || m.iterId !== run.iterId || m.dkgId !== run.key.dkgId)
    return { state: s, effects: [] };
  const key = String(m.signerId);
  if (m.signerId !== from || !signers(run).includes(m.signerId) || run.shares[key] !== undefined)
    return { state: s, effects: [] };
  if (!wellFormed(run, m)) {
    // A malformed answer is proof of misbehaviour: exclude now and retry without waiting.
    return retry(s, { ...run, excluded: { ...run.excluded, [key]: 'bad-share' } }, env);
  }
  const next: SignRun = { ...run, shares: { ...run.shares, [key]: m } };
  if (Object.keys(next.shares).length < signers(run).length)
    return { state: { ...s, sign: next }, effects: [] };
  return complete({ ...s, sign: next }, env);
}

/** Shape check: one canonical scalar per message. */
function wellFormed(run: SignRun, m: SignatureShareResponse): boolean {
  return m.shares.length === run.body.messages.length && m.shares.every(isScalarHex);
}

/** The signing package of the current iteration, as @peg/frost takes it. */
function packageOf(run: SignRun) {
  return {
    messages: run.body.messages,
    commitments: run.request!.nonceResponses.map((r) => ({ partyId: r.signerId, pairs: r.nonces })),
  };
}

function complete(s: CoordinatorState, env: Env): SignOut {
  const run = s.sign!;
  const out = aggregatePackage(
    layoutSpec(s.config.federation),
    run.key.pub,
    packageOf(run),
    Object.values(run.shares).map((r) => ({ partyId: r.signerId, shares: r.shares })),
    run.body.merkleRoot,
    env.rng,
  );
  // @peg/frost verifies the final signatures; check again with an independent BIP340 verifier.
  if (
    !out.ok ||
    !out.signatures.every((sig, i) =>
      verifyBip340(
        sig,
        run.body.messages[i]!,
        outputKey(run.key.pub.commitments[0]!, run.body.merkleRoot),
      ),
    )
  ) {
    const culprits = out.ok ? [] : out.culprits;
    if (culprits.length === 0) return fail(s, run); // every share verified: never loop
    const excluded = { ...run.excluded };
    for (const id of culprits) excluded[String(id)] = 'bad-share';
    return retry(s, { ...run, excluded }, env);
  }
  const d = disarm({ ...s, sign: null });
  return {
    ...d,
    effects: [...d.effects, { type: 'persist' }],
    end: { kind: 'signed', run, signatures: out.signatures },
  };
}

/** The phase deadline passed. */
export function onSignDeadline(s: CoordinatorState, env: Env): SignOut {
  const run = s.sign!;
  const fed = s.config.federation;
  if (run.phase === 'nonce') {
    const next = { ...run, nonceTimeouts: run.nonceTimeouts + 1 };
    if (run.requireAll) {
      const excluded = { ...run.excluded };
      for (const id of run.key.holders)
        if (run.nonces[String(id)] === undefined) excluded[String(id)] = 'silent';
      return fail(s, { ...next, excluded });
    }
    if (
      next.nonceTimeouts >= s.config.maxNonceTimeouts ||
      weightOf(fed, live(next)) < fed.threshold
    )
      return fail(s, next);
    return newIteration(s, next, env);
  }
  // The silent are excluded; shares that did arrive are discarded with this iteration (a bad one
  // among them is caught in the next iteration, where it is complete).
  const excluded = { ...run.excluded };
  for (const id of signers(run))
    if (run.shares[String(id)] === undefined) excluded[String(id)] = 'silent-after-nonce';
  return retry(s, { ...run, excluded }, env);
}

/** Resend tick: repeat the current request to the parties that have not answered. */
export function resendSign(s: CoordinatorState): CEffect[] {
  const run = s.sign!;
  if (run.phase === 'nonce') {
    const req = nonceRequest(run);
    return live(run)
      .filter((id) => run.nonces[String(id)] === undefined)
      .map((id) => toSigner(id, req));
  }
  return signers(run)
    .filter((id) => run.shares[String(id)] === undefined)
    .map((id) => toSigner(id, run.request!));
}

/** Report of a finished peg-out run. */
export function signReport(end: SignEnd): CEffect {
  const run = end.run;
  if (end.kind === 'signed')
    return report({
      kind: 'signature',
      signId: run.signId,
      requestIds: run.body.requestIds,
      messages: run.body.messages,
      merkleRoot: run.body.merkleRoot,
      signatures: end.signatures,
      attempts: run.attempts,
      excluded: run.excluded,
    });
  return report({
    kind: 'insufficient-signers',
    signId: run.signId,
    requestIds: run.body.requestIds,
    attempts: run.attempts,
    excluded: run.excluded,
  });
}
