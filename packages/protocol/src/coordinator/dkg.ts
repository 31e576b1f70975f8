/**
 * Coordinator side of DKG: public phase (proofs of knowledge checked on arrival), private phase,
 * end phase (echo of every accepted message, complaints judged with public data), then a
 * verification signing round with every new-key holder before the key is published. A failed
 * attempt excludes its culprits (and silent parties) and DKG restarts under a new id.
 */
import {
  dkgJudgeComplaint,
  dkgPublicKeyPackage,
  dkgVerificationMessage,
  verifyPublicPackage,
} from '../crypto.ts';
import { verifyEvidence } from '../identity.ts';
import type {
  DkgEnd,
  DkgEndBegin,
  DkgPrivateBegin,
  DkgPrivateShares,
  DkgPublicShares,
  DkgQuery,
  EquivocationEvidence,
  ProtocolMessage,
} from '../messages.ts';
import { privateDigest, publicDigest } from '../signer/dkg.ts';
import type { Env } from '../types.ts';
import { partyOf, weightOf } from '../types.ts';
import { arm, broadcast, type CEffect, disarm, type Out, report, send, toSigner } from './out.ts';
import { type SignEnd, startSign } from './sign.ts';
import type { CoordinatorState, DkgRun, ExclusionReason } from './state.ts';

const ctxOf = (run: DkgRun) => ({ dkgId: run.dkgId });

/** Starts a DKG attempt with every party not excluded. */
export function startDkg(
  s: CoordinatorState,
  env: Env,
  excluded: Record<string, ExclusionReason> = {},
  attempt = 1,
): Out {
  const dkgId = s.maxDkgId + 1;
  const invited = s.config.federation.parties
    .map((p) => p.id)
    .filter((id) => excluded[String(id)] === undefined);
  const run: DkgRun = {
    dkgId,
    attempt,
    excluded,
    culprits: {},
    invited,
    phase: 'public',
    publics: {},
    privateIds: [],
    privates: {},
    endIds: [],
    ends: {},
    candidate: null,
  };
  const armed = arm(
    { ...s, maxDkgId: dkgId, dkg: run },
    `dkg/${dkgId}/public`,
    env.now + s.config.federation.timeouts.dkgPublic,
    env.now,
  );
  return {
    state: armed.state,
    effects: [...armed.effects, broadcast({ type: 'dkg-begin', dkgId })],
  };
}

const has = (r: Record<string, unknown>, id: number) => r[String(id)] !== undefined;

function authentic(
  s: CoordinatorState,
  from: number,
  m: DkgPublicShares | DkgPrivateShares,
): boolean {
  const p = partyOf(s.config.federation, m.signerId);
  return p !== undefined && m.signerId === from && verifyEvidence(m, p.publicKey);
}

export function onDkgPublicShares(
  s: CoordinatorState,
  from: number,
  m: DkgPublicShares,
  env: Env,
): Out {
  const run = s.dkg;
  if (run === null || run.phase !== 'public' || m.dkgId !== run.dkgId)
    return { state: s, effects: [] };
  if (!run.invited.includes(m.signerId) || has(run.publics, m.signerId))
    return { state: s, effects: [] };
  if (!authentic(s, from, m) || m.package.partyId !== m.signerId) return { state: s, effects: [] };
  const culprits = { ...run.culprits };
  if (!verifyPublicPackage(ctxOf(run), m.package, s.config.federation.threshold))
    culprits[String(m.signerId)] = 'bad-proof-of-knowledge';
  const next = { ...run, culprits, publics: { ...run.publics, [String(m.signerId)]: m } };
  if (!run.invited.every((id) => has(next.publics, id)))
    return { state: { ...s, dkg: next }, effects: [] };
  return toPrivate({ ...s, dkg: next }, env);
}

function goodPublics(run: DkgRun): number[] {
  return run.invited.filter((id) => has(run.publics, id) && !has(run.culprits, id));
}

function privateBegin(run: DkgRun): DkgPrivateBegin {
  const echo: Record<string, string> = {};
  for (const id of run.privateIds) echo[String(id)] = publicDigest(run.publics[String(id)]!);
  return { type: 'dkg-private-begin', dkgId: run.dkgId, signerIds: run.privateIds, echo };
}

function toPrivate(s: CoordinatorState, env: Env): Out {
  const run = s.dkg!;
  const fed = s.config.federation;
  const ids = goodPublics(run);
  if (weightOf(fed, ids) < fed.dkgThreshold) return attemptFailed(s, env);
  const next: DkgRun = { ...run, phase: 'private', privateIds: ids };
  const armed = arm(
    { ...s, dkg: next },
    `dkg/${run.dkgId}/private`,
    env.now + fed.timeouts.dkgPrivate,
    env.now,
  );
  return {
    state: armed.state,
    effects: [...armed.effects, broadcast(privateBegin(next))],
  };
}

export function onDkgPrivateShares(
  s: CoordinatorState,
  from: number,
  m: DkgPrivateShares,
  env: Env,
): Out {
  const run = s.dkg;
  if (run === null || run.phase !== 'private' || m.dkgId !== run.dkgId)
    return { state: s, effects: [] };
  if (!run.privateIds.includes(m.signerId) || has(run.privates, m.signerId))
    return { state: s, effects: [] };
  if (!authentic(s, from, m)) return { state: s, effects: [] };
  const fed = s.config.federation;
  const culprits = { ...run.culprits };
  // Exactly one ciphertext per key id of the listed signers.
  const want = run.privateIds
    .flatMap((id) => partyOf(fed, id)!.keyIds)
    .map(String)
    .sort();
  const got = Object.keys(m.shares).sort();
  if (want.length !== got.length || want.some((k, i) => k !== got[i]))
    culprits[String(m.signerId)] = 'bad-private-shares';
  const next = { ...run, culprits, privates: { ...run.privates, [String(m.signerId)]: m } };
  if (!run.privateIds.every((id) => has(next.privates, id)))
    return { state: { ...s, dkg: next }, effects: [] };
  return toEnd({ ...s, dkg: next }, env);
}

function endBegin(run: DkgRun): DkgEndBegin {
  const echo: DkgEndBegin['echo'] = {};
  for (const id of run.endIds)
    echo[String(id)] = {
      public: publicDigest(run.publics[String(id)]!),
      private: privateDigest(run.privates[String(id)]!),
    };
  return { type: 'dkg-end-begin', dkgId: run.dkgId, signerIds: run.endIds, echo };
}

function toEnd(s: CoordinatorState, env: Env): Out {
  const run = s.dkg!;
  const fed = s.config.federation;
  const ids = run.privateIds.filter((id) => has(run.privates, id) && !has(run.culprits, id));
  if (weightOf(fed, ids) < fed.dkgThreshold) return attemptFailed(s, env);
  const next: DkgRun = { ...run, phase: 'end', endIds: ids };
  const armed = arm(
    { ...s, dkg: next },
    `dkg/${run.dkgId}/end`,
    env.now + fed.timeouts.dkgEnd,
    env.now,
  );
  return { state: armed.state, effects: [...armed.effects, broadcast(endBegin(next))] };
}

export function onDkgEnd(s: CoordinatorState, from: number, m: DkgEnd, env: Env): Out {
  const run = s.dkg;
  if (run === null || m.dkgId !== run.dkgId || m.signerId !== from)
    return { state: s, effects: [] };
  if (run.phase === 'private') return onEarlyDkgEnd(s, m, env);
  if (run.phase !== 'end') return { state: s, effects: [] };
  if (m.signerId !== from || !run.endIds.includes(m.signerId) || has(run.ends, m.signerId))
    return { state: s, effects: [] };
  const next = { ...run, ends: { ...run.ends, [String(m.signerId)]: m } };
  if (!run.endIds.every((id) => has(next.ends, id)))
    return { state: { ...s, dkg: next }, effects: [] };
  return evaluate({ ...s, dkg: next }, env);
}

/** Judges every DkgEnd: blames equivocators, senders of bad shares, and false accusers. */
/** Two different messages both signed by the accused for this DKG prove its equivocation. */
function judgeEquivocation(
  s: CoordinatorState,
  run: DkgRun,
  reporter: number,
  ev: EquivocationEvidence,
  blame: (id: number, why: ExclusionReason) => void,
): void {
  const a = ev.message.signerId;
  const ours = ev.kind === 'public' ? run.publics[String(a)] : run.privates[String(a)];
  const differs =
    ours !== undefined &&
    (ev.kind === 'public'
      ? publicDigest(ev.message as DkgPublicShares) !== publicDigest(ours as DkgPublicShares)
      : privateDigest(ev.message as DkgPrivateShares) !== privateDigest(ours as DkgPrivateShares));
  if (differs && ev.message.dkgId === run.dkgId && authentic(s, a, ev.message))
    blame(a, 'equivocation');
  else blame(reporter, 'false-complaint');
}

/**
 * A signer refused to send private shares: a public package it holds differs from the
 * coordinator's echo (round-1 equivocation). Judge the evidence now and restart without the liar.
 */
function onEarlyDkgEnd(s: CoordinatorState, m: DkgEnd, env: Env): Out {
  const run = s.dkg!;
  if (m.status.kind !== 'failure' || !run.privateIds.includes(m.signerId))
    return { state: s, effects: [] };
  const culprits: Record<string, ExclusionReason> = { ...run.culprits };
  const blame = (id: number, why: ExclusionReason) => {
    culprits[String(id)] ??= why;
  };
  for (const ev of m.status.equivocation) judgeEquivocation(s, run, m.signerId, ev, blame);
  if (Object.keys(culprits).length === Object.keys(run.culprits).length)
    blame(m.signerId, 'false-complaint'); // a failure report with no evidence
  return attemptFailed({ ...s, dkg: { ...run, culprits } }, env, [], false);
}

function evaluate(s: CoordinatorState, env: Env): Out {
  const run = s.dkg!;
  const fed = s.config.federation;
  const culprits: Record<string, ExclusionReason> = { ...run.culprits };
  const silent = run.endIds.filter((id) => !has(run.ends, id));
  const blame = (id: number, why: ExclusionReason) => {
    culprits[String(id)] ??= why;
  };
  const pub = dkgPublicKeyPackage(
    fed.threshold,
    run.endIds.flatMap((id) => partyOf(fed, id)!.keyIds).sort((a, b) => a - b),
    run.endIds.map((id) => run.publics[String(id)]!.package),
  );
  const groupKey = pub.commitments[0]!;
  for (const end of Object.values(run.ends)) {
    const r = end.signerId;
    if (end.status.kind === 'success') {
      if (end.status.groupKey !== groupKey) blame(r, 'wrong-group-key');
      continue;
    }
    for (const ev of end.status.equivocation) judgeEquivocation(s, run, r, ev, blame);
    for (const a of end.status.badPublicShares) {
      const theirs = run.publics[String(a)];
      if (theirs !== undefined && !verifyPublicPackage(ctxOf(run), theirs.package, fed.threshold))
        blame(a, 'bad-public-shares');
      else blame(r, 'false-complaint');
    }
  }
  // Second pass: complaints. An equivocator's complaints are void (the accused may have
  // encrypted to the other version of its key, and the accused reported that version).
  for (const end of Object.values(run.ends)) {
    const r = end.signerId;
    if (end.status.kind === 'success' || culprits[String(r)] !== undefined) continue;
    for (const ev of end.status.badPrivateShares) {
      const a = ev.complaint.accused;
      const msg = ev.message;
      const ownsKey = partyOf(fed, r)?.keyIds.includes(ev.complaint.keyId) ?? false;
      if (
        msg.signerId !== a ||
        msg.dkgId !== run.dkgId ||
        !authentic(s, a, msg) ||
        !ownsKey ||
        !run.endIds.includes(a)
      ) {
        blame(r, 'false-complaint');
        continue;
      }
      const verdict = dkgJudgeComplaint(
        ctxOf(run),
        run.publics[String(r)]!.package,
        run.publics[String(a)]!.package,
        ev.complaint,
        msg.shares[String(ev.complaint.keyId)],
      );
      blame(
        verdict === 'accused' ? a : r,
        verdict === 'accused' ? 'bad-private-shares' : 'false-complaint',
      );
    }
  }
  const failed =
    Object.keys(culprits).length > Object.keys(run.culprits).length || silent.length > 0;
  const anyFailure = Object.values(run.ends).some((e) => e.status.kind === 'failure');
  if (failed || anyFailure) return attemptFailed({ ...s, dkg: { ...run, culprits } }, env, silent);
  // Verification round: every new-key holder signs a message it rebuilds itself.
  const candidate = { dkgId: run.dkgId, pub, holders: [...run.endIds], verification: '' };
  const next: DkgRun = { ...run, phase: 'verify', candidate };
  const started = startSign(
    { ...s, dkg: next },
    candidate,
    {
      purpose: 'dkg-verification',
      requestIds: [],
      payload: '',
      merkleRoot: null,
      messages: [dkgVerificationMessage(run.dkgId, groupKey)],
    },
    true,
    env,
  );
  return started;
}

/**
 * Ends the attempt: restart without the culprits and silent parties, or report dkg-failed.
 * `timedOut`: the phase deadline passed, so those who did not answer it count as silent.
 */
function attemptFailed(
  s: CoordinatorState,
  env: Env,
  silentEnd: number[] = [],
  timedOut = true,
): Out {
  const run = s.dkg!;
  const fed = s.config.federation;
  const silent = new Set<number>(silentEnd);
  if (timedOut && run.phase === 'public')
    for (const id of run.invited) if (!has(run.publics, id)) silent.add(id);
  if (timedOut && run.phase === 'private')
    for (const id of run.privateIds) if (!has(run.privates, id)) silent.add(id);
  const excluded: Record<string, ExclusionReason> = { ...run.excluded };
  for (const id of silent) excluded[String(id)] ??= 'silent';
  for (const [id, why] of Object.entries(run.culprits)) excluded[id] = why;
  const missing = [...silent].sort((a, b) => a - b);
  const effects: CEffect[] = [
    report({ kind: 'dkg-attempt-failed', dkgId: run.dkgId, culprits: run.culprits, missing }),
  ];
  const remaining = fed.parties.map((p) => p.id).filter((id) => excluded[String(id)] === undefined);
  if (run.attempt < s.config.maxDkgAttempts && weightOf(fed, remaining) >= fed.dkgThreshold) {
    const r = startDkg({ ...s, dkg: null }, env, excluded, run.attempt + 1);
    return { state: r.state, effects: [...effects, ...r.effects] };
  }
  const culprits: Record<string, ExclusionReason> = {};
  for (const [id, why] of Object.entries(excluded)) if (why !== 'silent') culprits[id] = why;
  const d = disarm({ ...s, dkg: null });
  return {
    state: d.state,
    effects: [
      ...effects,
      { type: 'persist' },
      ...d.effects,
      report({ kind: 'dkg-failed', dkgId: run.dkgId, culprits, missing }),
    ],
  };
}

/** The verification round ended. */
export function onVerificationEnd(s: CoordinatorState, end: SignEnd, env: Env): Out {
  const run = s.dkg!;
  const candidate = run.candidate!;
  if (end.kind === 'failed') {
    const culprits = { ...run.culprits };
    const silent: number[] = [];
    for (const [id, why] of Object.entries(end.run.excluded)) {
      if (why === 'silent' || why === 'silent-after-nonce') silent.push(Number(id));
      else culprits[id] = why;
    }
    return attemptFailed({ ...s, dkg: { ...run, culprits } }, env, silent);
  }
  const groupKey = candidate.pub.commitments[0]!;
  const excluded = { ...run.excluded, ...run.culprits };
  return {
    state: { ...s, dkg: null, key: { ...candidate, verification: end.signatures[0]! } },
    effects: [
      { type: 'persist' },
      broadcast({
        type: 'public-address-available',
        dkgId: run.dkgId,
        groupKey,
        signature: end.signatures[0]!,
      }),
      report({
        kind: 'dkg-complete',
        dkgId: run.dkgId,
        groupKey,
        pub: candidate.pub,
        holders: candidate.holders,
        verification: end.signatures[0]!,
        attempts: run.attempt,
        excluded,
      }),
    ],
  };
}

/** The phase deadline of the DKG passed. */
export function onDkgDeadline(s: CoordinatorState, env: Env): Out {
  const run = s.dkg!;
  const fed = s.config.federation;
  if (run.phase === 'public') {
    if (weightOf(fed, goodPublics(run)) >= fed.dkgThreshold) return toPrivate(s, env);
    return attemptFailed(s, env);
  }
  if (run.phase === 'private') {
    const got = run.privateIds.filter((id) => has(run.privates, id));
    if (weightOf(fed, got) >= fed.dkgThreshold) return toEnd(s, env);
    return attemptFailed(s, env);
  }
  // End phase: evaluate with whoever answered; the silent are excluded from the next attempt.
  return evaluate(s, env);
}

/** Resend tick for DKG: repeat the phase request to parties that have not answered. */
export function resendDkg(s: CoordinatorState): CEffect[] {
  const run = s.dkg!;
  if (run.phase === 'public')
    return run.invited
      .filter((id) => !has(run.publics, id))
      .map((id) => toSigner(id, { type: 'dkg-begin', dkgId: run.dkgId }));
  if (run.phase === 'private')
    return run.privateIds
      .filter((id) => !has(run.privates, id))
      .map((id) => toSigner(id, privateBegin(run)));
  if (run.phase === 'end') {
    const req = endBegin(run);
    return run.endIds.filter((id) => !has(run.ends, id)).map((id) => toSigner(id, req));
  }
  return [];
}

/** A signer lacks peers' messages (lost by the relay): forward the signed originals we hold. */
export function onDkgQuery(s: CoordinatorState, from: number, m: DkgQuery): Out {
  const run = s.dkg;
  if (run === null || m.dkgId !== run.dkgId || m.signerId !== from)
    return { state: s, effects: [] };
  const messages: (DkgPublicShares | DkgPrivateShares)[] = [];
  for (const id of m.missing.slice(0, s.config.federation.parties.length)) {
    const p = run.publics[String(id)];
    if (p !== undefined) messages.push(p);
    const q = run.privates[String(id)];
    if (q !== undefined) messages.push(q);
  }
  const response: ProtocolMessage = { type: 'dkg-query-response', dkgId: run.dkgId, messages };
  return { state: s, effects: [send({ kind: 'signer', id: from }, response)] };
}
