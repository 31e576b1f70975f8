/**
 * Coordinator side of DKG: public phase (round-1 proofs checked when the phase closes), private
 * phase over the accepted parties (the new key's layout), end phase (echo of every accepted
 * message, equivocation evidence and complaints judged from public data, every reported result
 * checked against the group polynomial), then a verification signing round with every new-key
 * holder before the key is published. A failed attempt excludes its culprits (and silent
 * parties) and DKG restarts under a new id.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { open } from '@peg/wire';
import { taprootAddress } from '../address.ts';
import {
  expectedResult,
  judge,
  type PrivateShares,
  type PublicShares,
  publicShareCulprits,
  round1Faults,
  subLayout,
} from '../dkg-crypto.ts';
import { dkgVerification } from '../dkg-verification.ts';
import {
  contentDigest,
  type Outgoing,
  type Payload,
  type WireEnvelope,
  type WireEnvelopeOf,
} from '../envelopes.ts';
import { dkgSession, layoutSpec, partyOf, weightOf } from '../federation.ts';
import type { Env } from '../machine.ts';
import { minNewKeyWeight, newKeyRefusal } from '../new-key-layout.ts';
import { outputKey } from '../output-key.ts';
import {
  arm,
  broadcast,
  type CEffect,
  disarm,
  forwardTo,
  type Out,
  report,
  resendEvery,
  toSigner,
  toSigners,
} from './out.ts';
import { type SignEnd, startSign } from './sign.ts';
import {
  type CoordinatorKey,
  type CoordinatorState,
  type DkgRun,
  type ExclusionReason,
  installKey,
} from './state.ts';

type Status = Payload<'dkg-end'>['status'];
const has = (r: Record<string, unknown>, id: number) => r[String(id)] !== undefined;
const none: Out['effects'] = [];

/** Starts a DKG attempt with every party not excluded. */
export function startDkg(
  s: CoordinatorState,
  env: Env,
  excluded: Record<string, ExclusionReason> = {},
  attempt = 1,
): Out {
  const fed = s.config.federation;
  const dkgId = s.maxDkgId + 1;
  const invited = fed.parties.map((p) => p.id).filter((id) => excluded[String(id)] === undefined);
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
    ends: {},
    results: {},
    candidate: null,
    phaseStartedAt: env.now,
  };
  const armed = arm(
    { ...s, maxDkgId: dkgId, dkg: run },
    `dkg/${dkgId}/public`,
    env.now + fed.timeouts.dkgPublic,
    env.now,
  );
  return { state: armed.state, effects: [...armed.effects, broadcast(dkgBegin(s, run))] };
}

function dkgBegin(s: CoordinatorState, run: DkgRun): Outgoing {
  return {
    kind: 'dkg-begin',
    dkgId: run.dkgId,
    payload: {
      threshold: s.config.federation.threshold,
      parties: run.invited.map((id) => ({
        partyId: id,
        keyIds: [...partyOf(s.config.federation, id)!.keyIds],
      })),
    },
  };
}

/** The new key's layout: the accepted parties, key ids renumbered 1..K'. */
const layoutOfRun = (s: CoordinatorState, run: DkgRun) =>
  subLayout(s.config.federation.parties, run.privateIds, s.config.federation.threshold);

const publicPayload = (e: WireEnvelope) => (e as WireEnvelopeOf<'dkg-public-shares'>).payload;
const privatePayload = (e: WireEnvelope) => (e as WireEnvelopeOf<'dkg-private-shares'>).payload;

function publicsMap(run: DkgRun, ids: readonly number[]): Map<number, PublicShares> {
  const m = new Map<number, PublicShares>();
  for (const id of ids) m.set(id, publicPayload(run.publics[String(id)]!));
  return m;
}

export function onDkgPublicShares(
  s: CoordinatorState,
  e: WireEnvelopeOf<'dkg-public-shares'>,
  env: Env,
): Out {
  const run = s.dkg;
  const from = e.sender.partyId;
  if (run === null || run.phase !== 'public' || e.dkgId !== run.dkgId)
    return { state: s, effects: none };
  if (!run.invited.includes(from) || has(run.publics, from)) return { state: s, effects: none };
  const next: DkgRun = { ...run, publics: { ...run.publics, [String(from)]: e } };
  if (!run.invited.every((id) => has(next.publics, id)))
    return { state: { ...s, dkg: next }, effects: none };
  return toPrivate({ ...s, dkg: next }, env);
}

/** Closes the public phase: blames bad round-1 messages, lists the rest with their echo. */
function toPrivate(s: CoordinatorState, env: Env): Out {
  const run = s.dkg!;
  const fed = s.config.federation;
  const received = run.invited.filter((id) => has(run.publics, id));
  const faults = round1Faults(
    layoutSpec(fed),
    dkgSession(fed, run.dkgId),
    publicsMap(run, received),
    env.rng,
  );
  const culprits = { ...run.culprits };
  for (const [id, kind] of faults)
    culprits[String(id)] = kind === 'bad-proof-of-knowledge' ? kind : 'bad-public-shares';
  const ids = received.filter((id) => culprits[String(id)] === undefined);
  const judged: DkgRun = { ...run, culprits };
  // Signers refuse a list that breaks the new-key rule; never send one.
  if (newKeyRefusal(fed, ids) !== null) return attemptFailed({ ...s, dkg: judged }, env);
  const next: DkgRun = { ...judged, phase: 'private', privateIds: ids, phaseStartedAt: env.now };
  const armed = arm(
    { ...s, dkg: next },
    `dkg/${run.dkgId}/private`,
    env.now + fed.timeouts.dkgPrivate,
    env.now,
  );
  return { state: armed.state, effects: [...armed.effects, broadcast(privateBegin(next))] };
}

/** A phase request over the key's parties, with the content digest of each one's message. */
function echoed(
  kind: 'dkg-private-begin' | 'dkg-end-begin',
  run: DkgRun,
  book: Record<string, WireEnvelope>,
): Outgoing {
  const partyIds = run.privateIds;
  const echo = partyIds.map((id) => contentDigest(book[String(id)]!));
  return { kind, dkgId: run.dkgId, payload: { partyIds, echo } };
}
const privateBegin = (run: DkgRun) => echoed('dkg-private-begin', run, run.publics);
const endBegin = (run: DkgRun) => echoed('dkg-end-begin', run, run.privates);

/** Exactly one ciphertext list per other listed party, for exactly its key ids, in order. */
function wellFormedPrivate(
  s: CoordinatorState,
  run: DkgRun,
  from: number,
  p: PrivateShares,
): boolean {
  const others = layoutOfRun(s, run).parties.filter((x) => x.id !== from);
  return (
    p.shares.length === others.length &&
    others.every((x, i) => {
      const got = p.shares[i]!;
      return (
        got.partyId === x.id &&
        got.keyShares.length === x.keyIds.length &&
        got.keyShares.every((k, j) => k.keyId === x.keyIds[j])
      );
    })
  );
}

export function onDkgPrivateShares(
  s: CoordinatorState,
  e: WireEnvelopeOf<'dkg-private-shares'>,
  env: Env,
): Out {
  const run = s.dkg;
  const from = e.sender.partyId;
  if (run === null || run.phase !== 'private' || e.dkgId !== run.dkgId)
    return { state: s, effects: none };
  if (!run.privateIds.includes(from) || has(run.privates, from)) return { state: s, effects: none };
  const culprits = { ...run.culprits };
  if (!wellFormedPrivate(s, run, from, e.payload)) culprits[String(from)] = 'bad-private-shares';
  const next: DkgRun = { ...run, culprits, privates: { ...run.privates, [String(from)]: e } };
  if (!run.privateIds.every((id) => has(next.privates, id)))
    return { state: { ...s, dkg: next }, effects: none };
  return toEnd({ ...s, dkg: next }, env);
}

function toEnd(s: CoordinatorState, env: Env): Out {
  const run = s.dkg!;
  const fed = s.config.federation;
  // The layout is fixed: a culprit's shares are in everyone's sum, so the attempt cannot end well.
  if (run.privateIds.some((id) => has(run.culprits, id))) return attemptFailed(s, env);
  const next: DkgRun = { ...run, phase: 'end', phaseStartedAt: env.now };
  const armed = arm(
    { ...s, dkg: next },
    `dkg/${run.dkgId}/end`,
    env.now + fed.timeouts.dkgEnd,
    env.now,
  );
  return { state: armed.state, effects: [...armed.effects, broadcast(endBegin(next))] };
}

export function onDkgEnd(s: CoordinatorState, e: WireEnvelopeOf<'dkg-end'>, env: Env): Out {
  const run = s.dkg;
  const from = e.sender.partyId;
  if (run === null || e.dkgId !== run.dkgId || !run.privateIds.includes(from))
    return { state: s, effects: none };
  if (run.phase === 'private') return onEarlyDkgEnd(s, from, e.payload.status, env);
  if (run.phase !== 'end' || has(run.ends, from)) return { state: s, effects: none };
  return recordEnd(s, from, e.payload.status, env, e);
}

/** A result the coordinator asked for (`dkg-query`): `none` gets the end request again. */
export function onDkgQueryResponse(
  s: CoordinatorState,
  e: WireEnvelopeOf<'dkg-query-response'>,
  env: Env,
): Out {
  const run = s.dkg;
  const from = e.sender.partyId;
  if (run === null || e.dkgId !== run.dkgId || run.phase !== 'end')
    return { state: s, effects: none };
  if (!run.privateIds.includes(from) || has(run.ends, from)) return { state: s, effects: none };
  const result = e.payload.result;
  if (result.type === 'none') return { state: s, effects: [toSigner(from, endBegin(run))] };
  return recordEnd(s, from, result, env, e);
}

function recordEnd(
  s: CoordinatorState,
  from: number,
  status: Status,
  env: Env,
  signed: WireEnvelope,
): Out {
  const run = s.dkg!;
  const next: DkgRun = {
    ...run,
    ends: { ...run.ends, [String(from)]: status },
    results: status.type === 'ok' ? { ...run.results, [String(from)]: signed } : run.results,
  };
  if (!run.privateIds.every((id) => has(next.ends, id)))
    return { state: { ...s, dkg: next }, effects: none };
  return evaluate({ ...s, dkg: next }, env);
}

/**
 * A listed signer refused to send private shares: a round-1 message it holds differs from the
 * coordinator's echo. Judge the evidence now and restart without the liar.
 */
function onEarlyDkgEnd(s: CoordinatorState, from: number, status: Status, env: Env): Out {
  const run = s.dkg!;
  if (status.type !== 'failed') return { state: s, effects: none };
  const culprits = { ...run.culprits };
  const blame = (id: number, why: ExclusionReason) => {
    culprits[String(id)] ??= why;
  };
  const before = Object.keys(culprits).length;
  judgeReasons(s, run, from, status, blame, env);
  if (Object.keys(culprits).length === before) blame(from, 'false-complaint');
  return attemptFailed({ ...s, dkg: { ...run, culprits } }, env, [], false);
}

/**
 * Two different contents signed by the accused for this DKG prove equivocation. The evidence is
 * the accused's own envelope: opened here (its signature checked against the registered key).
 */
function equivocationProven(
  s: CoordinatorState,
  run: DkgRun,
  accused: number,
  evidence: string,
): boolean {
  const keys = new Map<number, Uint8Array>();
  for (const p of s.config.federation.parties) keys.set(p.id, hexToBytes(p.publicKey));
  if (!/^(?:[0-9a-f]{2})+$/.test(evidence)) return false;
  const opened = open(hexToBytes(evidence), keys); // never throws: a refusal is a value
  if (!opened.ok) return false;
  const e = opened.json;
  if (e.sender.partyId !== accused || !('dkgId' in e) || e.dkgId !== run.dkgId) return false;
  const ours =
    e.kind === 'dkg-public-shares'
      ? run.publics[String(accused)]
      : e.kind === 'dkg-private-shares'
        ? run.privates[String(accused)]
        : undefined;
  return ours !== undefined && contentDigest(ours) !== contentDigest(e);
}

/** Judges every reason of one failure report; `blame` records the guilty party. */
function judgeReasons(
  s: CoordinatorState,
  run: DkgRun,
  reporter: number,
  status: Extract<Status, { type: 'failed' }>,
  blame: (id: number, why: ExclusionReason) => void,
  env: Env,
): void {
  for (const r of status.reasons) {
    if (r.type === 'equivocation') {
      r.partyIds.forEach((accused, i) => {
        if (equivocationProven(s, run, accused, r.evidence[i] ?? ''))
          blame(accused, 'equivocation');
        else blame(reporter, 'false-complaint');
      });
    } else if (r.type === 'complaints') {
      const layout = layoutOfRun(s, run);
      const publics = publicsMap(run, run.privateIds);
      for (const c of r.complaints) {
        const accusedPrivate = run.privates[String(c.accused)];
        const v = judge(
          layout,
          dkgSession(s.config.federation, run.dkgId),
          reporter,
          c,
          publics,
          accusedPrivate === undefined ? undefined : privatePayload(accusedPrivate),
          env.rng,
        );
        blame(v.guilty, v.guilty === reporter ? 'false-complaint' : 'bad-private-shares');
      }
    } else {
      // Round-1 faults and missing or malformed shares: the coordinator checked all of these
      // itself on the very messages the echo showed to everyone, so the claim cannot be true.
      blame(reporter, 'false-complaint');
    }
  }
}

function evaluate(s: CoordinatorState, env: Env): Out {
  const run = s.dkg!;
  const culprits: Record<string, ExclusionReason> = { ...run.culprits };
  const blame = (id: number, why: ExclusionReason) => {
    culprits[String(id)] ??= why;
  };
  const silent = run.privateIds.filter((id) => !has(run.ends, id));
  const layout = layoutOfRun(s, run);
  const expected = expectedResult(
    layout,
    dkgSession(s.config.federation, run.dkgId),
    publicsMap(run, run.privateIds),
  );
  // Complaints by an equivocator are void (it may have been sent the version it hid): failures
  // are judged after the equivocation reports.
  const failures = Object.entries(run.ends).filter(([, st]) => st.type === 'failed');
  for (const [id, st] of failures) {
    if (st.type !== 'failed') continue;
    const eq = st.reasons.filter((r) => r.type === 'equivocation');
    if (eq.length > 0)
      judgeReasons(s, run, Number(id), { type: 'failed', reasons: eq }, blame, env);
  }
  for (const [id, st] of failures) {
    if (st.type !== 'failed' || culprits[id] !== undefined) continue;
    const rest = st.reasons.filter((r) => r.type !== 'equivocation');
    if (rest.length > 0)
      judgeReasons(s, run, Number(id), { type: 'failed', reasons: rest }, blame, env);
  }
  const reported = new Map<number, string>();
  for (const [id, st] of Object.entries(run.ends)) {
    if (st.type !== 'ok') continue;
    if (st.groupKey !== expected.groupKey || st.echoHash !== expected.echoHash) {
      // The echo showed everyone the same messages: a different result is a false report.
      blame(Number(id), 'wrong-group-key');
      continue;
    }
    const mine = layout.parties.find((p) => p.id === Number(id))!.keyIds;
    const got = st.keyIdPublicShares;
    if (got.length !== mine.length || got.some((x, i) => x.keyId !== mine[i])) {
      blame(Number(id), 'wrong-public-shares');
      continue;
    }
    for (const x of got) reported.set(x.keyId, x.publicShare);
  }
  const anyFailure = failures.length > 0;
  if (
    Object.keys(culprits).length === Object.keys(run.culprits).length &&
    silent.length === 0 &&
    !anyFailure
  )
    for (const id of publicShareCulprits(layout, expected.groupCommitments, reported, env.rng))
      blame(id, 'wrong-public-shares');
  const failed =
    Object.keys(culprits).length > Object.keys(run.culprits).length || silent.length > 0;
  if (failed || anyFailure) return attemptFailed({ ...s, dkg: { ...run, culprits } }, env, silent);
  // Verification round: every new-key holder signs a message it rebuilds itself.
  const candidate: CoordinatorKey = {
    dkgId: run.dkgId,
    pub: {
      layout,
      groupKey: expected.groupKey,
      verifyingShares: Object.fromEntries([...reported].map(([k, y]) => [String(k), y])),
    },
    verification: '',
  };
  const v = dkgVerification(run.dkgId, expected.groupKey);
  const started = startSign(
    { ...s, dkg: { ...run, phase: 'verify', candidate } },
    candidate,
    'dkg-verification',
    {
      messages: [v.message],
      withdrawalRequestIds: [],
      unsignedTransaction: v.preimage,
      tweak: { type: 'none' },
    },
    env,
  );
  // The results go out before the nonce requests (a holder asked first refuses until it has them).
  const effects = [...started.effects];
  const firstSend = effects.findIndex((e) => e.type === 'send');
  effects.splice(
    firstSend < 0 ? effects.length : firstSend,
    0,
    ...forwardResults(run, run.privateIds),
  );
  return { state: started.state, effects };
}

/**
 * Every holder's signed result to each of `to`: a holder signs the verification message only once
 * all the others' results name its own group key and transcript (signer `transcript.ts`).
 */
function forwardResults(run: DkgRun, to: readonly number[]): CEffect[] {
  return forwardBook(run.privateIds, run.results, to);
}

/**
 * Each of `from`'s envelopes in `book`, forwarded once to all of `to` but its author (one post
 * per envelope, not one per recipient).
 */
function forwardBook(
  from: readonly number[],
  book: Record<string, WireEnvelope>,
  to: readonly number[],
): CEffect[] {
  return from.flatMap((id) => {
    const envelope = book[String(id)];
    return envelope === undefined
      ? []
      : forwardTo(
          to.filter((t) => t !== id),
          envelope,
        );
  });
}

/** Resend tick of the verification round: holders that have not committed get the results again. */
export function resendResults(s: CoordinatorState): CEffect[] {
  const run = s.dkg;
  const sign = s.sign;
  if (run === null || run.phase !== 'verify' || sign === null) return [];
  if (sign.purpose !== 'dkg-verification' || sign.phase !== 'nonce') return [];
  return forwardResults(
    run,
    run.privateIds.filter((id) => sign.nonces[String(id)] === undefined),
  );
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
  if (run.attempt < s.config.maxDkgAttempts && weightOf(fed, remaining) >= minNewKeyWeight(fed)) {
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

/** The verification round ended: publish the key, or fail the attempt. */
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
  const groupKey = candidate.pub.groupKey;
  const key = outputKey(groupKey, { type: 'taproot', merkleRoot: null });
  const address = taprootAddress(key, s.config.federation.network);
  const excluded = { ...run.excluded, ...run.culprits };
  const verification = end.signatures[0]!;
  return {
    state: installKey({ ...s, dkg: null }, { ...candidate, verification }),
    effects: [
      { type: 'persist' },
      broadcast({
        kind: 'public-address-available',
        dkgId: run.dkgId,
        payload: { aggregateKey: groupKey, outputKey: key, address },
      }),
      report({
        kind: 'dkg-complete',
        dkgId: run.dkgId,
        groupKey,
        outputKey: key,
        address,
        pub: candidate.pub,
        verification,
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
    const received = run.invited.filter((id) => has(run.publics, id));
    if (weightOf(fed, received) >= minNewKeyWeight(fed)) return toPrivate(s, env);
    return attemptFailed(s, env);
  }
  // The private list fixed the key's layout: a party silent now cannot be left out of it.
  if (run.phase === 'private') return attemptFailed(s, env);
  // End phase: evaluate with whoever answered; the silent are excluded from the next attempt.
  return evaluate(s, env);
}

/**
 * Resend tick: repeat the phase request to parties that have not answered. From the second tick
 * of a phase on, a laggard also gets the peers' messages forwarded (signed envelopes it lost).
 */
export function resendDkg(s: CoordinatorState, env: Env): CEffect[] {
  const run = s.dkg!;
  const late = env.now - run.phaseStartedAt >= 2 * resendEvery(s);
  const forwardAll = (to: number[], book: Record<string, WireEnvelope>) =>
    late ? forwardBook(run.privateIds, book, to) : [];
  if (run.phase === 'public') {
    return toSigners(
      run.invited.filter((id) => !has(run.publics, id)),
      dkgBegin(s, run),
    );
  }
  if (run.phase === 'private') {
    const laggards = run.privateIds.filter((id) => !has(run.privates, id));
    return [...toSigners(laggards, privateBegin(run)), ...forwardAll(laggards, run.publics)];
  }
  if (run.phase === 'end') {
    const laggards = run.privateIds.filter((id) => !has(run.ends, id));
    return [
      ...toSigners(laggards, { kind: 'dkg-query', dkgId: run.dkgId, payload: {} }),
      ...forwardAll(laggards, run.privates),
    ];
  }
  return [];
}
