/**
 * Robust signing (FIRE/ROAST style): take the first parties whose key ids reach the threshold,
 * exclude a party that is silent after committing a nonce or sends a bad share, retry with a new
 * iteration. Every retry excludes at least one party, so at most n - t + 1 share phases run.
 */
import type { OutgoingOf, WireEnvelopeOf } from '../envelopes.ts';
import type { Env } from '../machine.ts';
import { outputKey } from '../output-key.ts';
import { idScope } from '../session-ids.ts';
import type { SignBody } from '../sign-body.ts';
import {
  aggregatePackage,
  isScalarHex,
  validCommitments,
  verifyBip340,
} from '../signing-crypto.ts';
import { arm, broadcast, type CEffect, disarm, type Out, report, toSigners } from './out.ts';
import type { CoordinatorKey, CoordinatorState, SignRun } from './state.ts';

/** How a run ended, for the caller (peg-out report or DKG verification). */
export type SignEnd =
  | { kind: 'signed'; run: SignRun; signatures: string[] }
  | { kind: 'failed'; run: SignRun };

export type SignOut = Out & { end?: SignEnd };

/** Starts a run: the first iteration's nonce request. */
export function startSign(
  s: CoordinatorState,
  key: CoordinatorKey,
  purpose: SignRun['purpose'],
  body: SignBody,
  env: Env,
): Out {
  const s0 = inIdScope(s);
  const run: SignRun = {
    signId: s0.maxSignId + 1,
    iteration: 0,
    purpose,
    body,
    key,
    requireAll: purpose === 'dkg-verification',
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
  return newIteration({ ...s0, maxSignId: run.signId }, run, env);
}

/**
 * The state with its sign-id counters for the current scope: sign ids are scoped to this
 * coordinator and its tip (`session-ids.ts`), so a new scope starts over from 0, or from the ids
 * of a run still in progress (its requests and resends carry them into the new scope, where
 * signers now order them).
 */
export function inIdScope(s: CoordinatorState): CoordinatorState {
  const scope = idScope(s.view, s.config.id);
  if (s.signScope === scope) return s;
  return {
    ...s,
    signScope: scope,
    maxSignId: s.sign?.signId ?? 0,
    maxIteration: s.sign?.iteration ?? 0,
  };
}

const holders = (run: SignRun): number[] => run.key.pub.layout.parties.map((p) => p.id);
const live = (run: SignRun): number[] =>
  holders(run).filter((id) => run.excluded[String(id)] === undefined);
/** Key ids the parties hold in the key's layout. */
function keyIdsOf(run: SignRun, id: number): number[] {
  return run.key.pub.layout.parties.find((p) => p.id === id)?.keyIds ?? [];
}
const weight = (run: SignRun, ids: number[]): number =>
  ids.reduce((w, id) => w + keyIdsOf(run, id).length, 0);

/** The wire form of a round's rebuild data, messages and tweak. */
export function requestBody(b: SignBody) {
  return {
    messages: b.messages,
    rebuild: {
      withdrawalRequestIds: b.withdrawalRequestIds,
      unsignedTransaction: b.unsignedTransaction,
    },
    tweak: b.tweak,
  };
}

function nonceRequest(run: SignRun): OutgoingOf<'nonce-request'> {
  return {
    kind: 'nonce-request',
    dkgId: run.key.dkgId,
    signId: run.signId,
    iteration: run.iteration,
    payload: requestBody(run.body),
  };
}

function newIteration(s0: CoordinatorState, run0: SignRun, env: Env): SignOut {
  const fed = s0.config.federation;
  // A run begun before the tip moved continues in the new scope: its ids count there too, so the
  // next run's ids come after them (signers order ids within the scope they receive them in).
  const s = inIdScope(s0);
  const iteration = Math.max(s.maxIteration, run0.iteration) + 1;
  const run: SignRun = {
    ...run0,
    iteration,
    phase: 'nonce',
    order: [],
    nonces: {},
    request: null,
    shares: {},
  };
  const state = {
    ...s,
    sign: run,
    maxSignId: Math.max(s.maxSignId, run.signId),
    maxIteration: iteration,
  };
  const armed = arm(
    state,
    `nonce/${run.signId}/${iteration}`,
    env.now + fed.timeouts.nonce,
    env.now,
  );
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
  if (run.requireAll && Object.keys(run.excluded).length > 0) return fail(s, run);
  if (weight(run, live(run)) < run.key.pub.layout.threshold) return fail(s, run);
  return newIteration(s, run, env);
}

export function onNonceResponse(
  s: CoordinatorState,
  m: WireEnvelopeOf<'nonce-response'>,
  env: Env,
): SignOut {
  const run = s.sign;
  if (run === null || run.phase !== 'nonce') return { state: s, effects: [] };
  if (m.signId !== run.signId || m.iteration !== run.iteration || m.dkgId !== run.key.dkgId)
    return { state: s, effects: [] }; // late or replayed: ignored, never blamed
  const from = m.sender.partyId;
  const key = String(from);
  if (!holders(run).includes(from)) return { state: s, effects: [] };
  if (run.excluded[key] !== undefined || run.nonces[key] !== undefined)
    return { state: s, effects: [] };
  const nonces = m.payload.nonces;
  if (nonces.length !== run.body.messages.length || !validCommitments(nonces)) {
    const next: SignRun = { ...run, excluded: { ...run.excluded, [key]: 'bad-nonce' } };
    if (next.requireAll) return fail(s, next);
    return { state: { ...s, sign: next }, effects: [] };
  }
  const next: SignRun = {
    ...run,
    order: [...run.order, from],
    nonces: { ...run.nonces, [key]: nonces },
  };
  return maybeRequestShares({ ...s, sign: next }, env);
}

function maybeRequestShares(s: CoordinatorState, env: Env): SignOut {
  const run = s.sign!;
  const fed = s.config.federation;
  const threshold = run.key.pub.layout.threshold;
  let selected: number[];
  if (run.requireAll) {
    if (run.order.length < holders(run).length) return { state: s, effects: [] };
    selected = [...run.order];
  } else {
    selected = [];
    let w = 0;
    for (const id of run.order) {
      if (w >= threshold) break;
      selected.push(id);
      w += keyIdsOf(run, id).length;
    }
    if (w < threshold) return { state: s, effects: [] };
  }
  selected.sort((a, b) => a - b);
  const request: OutgoingOf<'signature-share-request'> = {
    kind: 'signature-share-request',
    dkgId: run.key.dkgId,
    signId: run.signId,
    iteration: run.iteration,
    payload: {
      ...requestBody(run.body),
      commitments: selected.map((id) => ({
        partyId: id,
        keyIds: keyIdsOf(run, id),
        nonces: run.nonces[String(id)]!,
      })),
    },
  };
  const next: SignRun = { ...run, phase: 'share', request, attempts: run.attempts + 1 };
  const armed = arm(
    { ...s, sign: next },
    `share/${run.signId}/${run.iteration}`,
    env.now + fed.timeouts.sign,
    env.now,
  );
  // Only the signing set gets the request; the others' nonces simply expire with the iteration.
  return {
    state: armed.state,
    effects: [...armed.effects, ...toSigners(selected, request)],
  };
}

const signers = (run: SignRun): number[] => run.request!.payload.commitments.map((c) => c.partyId);

export function onShareResponse(
  s: CoordinatorState,
  m: WireEnvelopeOf<'signature-share-response'>,
  env: Env,
): SignOut {
  const run = s.sign;
  if (run === null || run.phase !== 'share') return { state: s, effects: [] };
  if (m.signId !== run.signId || m.iteration !== run.iteration || m.dkgId !== run.key.dkgId)
    return { state: s, effects: [] };
  const from = m.sender.partyId;
  const key = String(from);
  if (!signers(run).includes(from) || run.shares[key] !== undefined)
    return { state: s, effects: [] };
  const shares = m.payload.shares;
  if (shares.length !== run.body.messages.length || !shares.every(isScalarHex)) {
    // A malformed answer is proof of misbehaviour: exclude now and retry without waiting.
    return retry(s, { ...run, excluded: { ...run.excluded, [key]: 'bad-share' } }, env);
  }
  const next: SignRun = { ...run, shares: { ...run.shares, [key]: shares } };
  if (Object.keys(next.shares).length < signers(run).length)
    return { state: { ...s, sign: next }, effects: [] };
  return complete({ ...s, sign: next }, env);
}

/** The signing package of the current iteration, as @peg/frost takes it. */
function packageOf(run: SignRun) {
  return {
    messages: run.body.messages,
    commitments: run.request!.payload.commitments.map((c) => ({
      partyId: c.partyId,
      pairs: c.nonces,
    })),
  };
}

function complete(s: CoordinatorState, env: Env): SignOut {
  const run = s.sign!;
  const out = aggregatePackage(
    run.key.pub,
    packageOf(run),
    Object.entries(run.shares).map(([id, shares]) => ({ partyId: Number(id), shares })),
    run.body.tweak,
    env.rng,
  );
  // @peg/frost verifies the final signatures; check again with an independent BIP340 verifier.
  if (
    !out.ok ||
    !out.signatures.every((sig, i) =>
      verifyBip340(sig, run.body.messages[i]!, outputKey(run.key.pub.groupKey, run.body.tweak)),
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
  if (run.phase === 'nonce') {
    const next = { ...run, nonceTimeouts: run.nonceTimeouts + 1 };
    if (run.requireAll) {
      const excluded = { ...run.excluded };
      for (const id of holders(run))
        if (run.nonces[String(id)] === undefined) excluded[String(id)] = 'silent';
      return fail(s, { ...next, excluded });
    }
    if (
      next.nonceTimeouts >= s.config.maxNonceTimeouts ||
      weight(next, live(next)) < run.key.pub.layout.threshold
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
    return toSigners(
      live(run).filter((id) => run.nonces[String(id)] === undefined),
      req,
    );
  }
  return toSigners(
    signers(run).filter((id) => run.shares[String(id)] === undefined),
    run.request!,
  );
}

/** Report of a finished peg-out run. */
export function signReport(end: SignEnd): CEffect {
  const run = end.run;
  if (end.kind === 'signed')
    return report({
      kind: 'signature',
      dkgId: run.key.dkgId,
      groupKey: run.key.pub.groupKey,
      signId: run.signId,
      withdrawalRequestIds: run.body.withdrawalRequestIds,
      messages: run.body.messages,
      tweak: run.body.tweak,
      signatures: end.signatures,
      attempts: run.attempts,
      excluded: run.excluded,
    });
  return report({
    kind: 'insufficient-signers',
    dkgId: run.key.dkgId,
    signId: run.signId,
    withdrawalRequestIds: run.body.withdrawalRequestIds,
    attempts: run.attempts,
    excluded: run.excluded,
  });
}
