/**
 * Signer side of DKG (@peg/frost weighted DKG through `dkg-crypto.ts`): round 1 on `dkg-begin`,
 * round 2 over the coordinator's list on `dkg-private-begin`, finish on `dkg-end-begin`. Before
 * each step the signer compares every listed peer's message with the coordinator's echo and, on a
 * difference, reports the peer's own signed envelope as evidence instead of going on (a party
 * that showed two versions could otherwise blame whoever used the other one).
 */
import { DKG_FAILURE_TYPES } from '@peg/wire';
import {
  type DkgFinished,
  finish,
  type PrivateShares,
  type PublicShares,
  round1,
  round2,
  subLayout,
} from '../dkg-crypto.ts';
import {
  contentDigest,
  type Outgoing,
  type Payload,
  sealedHex,
  type WireEnvelope,
  type WireEnvelopeOf,
} from '../envelopes.ts';
import { dkgSession, layoutSpec, partyOf } from '../federation.ts';
import type { Effect, Env } from '../machine.ts';
import { newKeyRefusal } from '../new-key-layout.ts';
import { activeOf } from '../selection.ts';
import { dkgIdVerdict, idScope } from '../session-ids.ts';
import { ignored, type Out, refusal, refused, send, toCoordinator } from './out.ts';
import type { SignerReport } from './reports.ts';
import type { EchoList, SignerDkg, SignerState } from './state.ts';

type DkgEndPayload = Payload<'dkg-end'>;
type FailureReason = Extract<DkgEndPayload['status'], { type: 'failed' }>['reasons'][number];

/** The layout in `dkg-begin` must be our own view of the federation (a subset of its parties). */
function layoutMatches(s: SignerState, p: Payload<'dkg-begin'>): boolean {
  const fed = s.config.federation;
  if (p.threshold !== fed.threshold) return false;
  if (!p.parties.some((x) => x.partyId === s.config.id)) return false;
  return p.parties.every((x) => {
    const mine = partyOf(fed, x.partyId);
    return (
      mine !== undefined &&
      mine.keyIds.length === x.keyIds.length &&
      mine.keyIds.every((k, i) => k === x.keyIds[i])
    );
  });
}

export function onDkgBegin(s: SignerState, e: WireEnvelopeOf<'dkg-begin'>, env: Env): Out {
  const dkgId = e.dkgId;
  if (s.dkg !== null && s.dkg.dkgId === dkgId)
    return { state: s, effects: [send({ kind: 'broadcast' }, publicOut(s.dkg))] };
  // The step checked that the sender is the active coordinator: the window is its scope's.
  const scope = idScope(s.view, activeOf(s.view, s.config.federation.parties) ?? 0);
  const ids = dkgIdVerdict(s.dkgIdWindow, scope, Math.max(s.maxDkgId, s.dkg?.dkgId ?? 0), dkgId);
  if (!ids.ok) {
    if (ids.reason === 'old-id') return ignored(s, 'old-id', e.kind);
    return refused(s, ids.reason, { from: e.sender.partyId });
  }
  if (!layoutMatches(s, e.payload)) return ignored(s, 'wrong-layout', e.kind);
  const fed = s.config.federation;
  const r1 = round1(layoutSpec(fed), dkgSession(fed, dkgId), s.config.id, env.rng);
  const dkg: SignerDkg = {
    dkgId,
    secret: r1.secret,
    ownPublic: r1.payload,
    publics: {},
    privateBegin: null,
    ownPrivate: null,
    privates: {},
    endBegin: null,
    end: null,
  };
  // The polynomial is persisted before its commitment leaves: a restart resumes this DKG and
  // sends the same commitment again, never a second one.
  return {
    state: { ...s, maxDkgId: dkgId, dkgIdWindow: ids.window, dkg },
    effects: [{ type: 'persist' }, send({ kind: 'broadcast' }, publicOut(dkg))],
  };
}

const publicOut = (d: SignerDkg): Outgoing => ({
  kind: 'dkg-public-shares',
  dkgId: d.dkgId,
  payload: d.ownPublic,
});
const privateOut = (d: SignerDkg, p: PrivateShares): Outgoing => ({
  kind: 'dkg-private-shares',
  dkgId: d.dkgId,
  payload: p,
});
const endOut = (d: SignerDkg, p: DkgEndPayload): Outgoing => ({
  kind: 'dkg-end',
  dkgId: d.dkgId,
  payload: p,
});

/** Stores a peer's public or private shares for the current DKG (the first copy wins). */
export function onPeerShares(
  s: SignerState,
  e: WireEnvelopeOf<'dkg-public-shares'> | WireEnvelopeOf<'dkg-private-shares'>,
  env: Env,
): Out {
  const dkg = s.dkg;
  if (dkg === null || e.dkgId !== dkg.dkgId) return ignored(s, 'not-current', e.kind);
  const from = e.sender.partyId;
  if (partyOf(s.config.federation, from) === undefined || from === s.config.id)
    return ignored(s, 'unknown-sender', e.kind);
  const key = String(from);
  const book = e.kind === 'dkg-public-shares' ? dkg.publics : dkg.privates;
  if (book[key] !== undefined) return { state: s, effects: [] };
  const next: SignerDkg =
    e.kind === 'dkg-public-shares'
      ? { ...dkg, publics: { ...dkg.publics, [key]: e } }
      : { ...dkg, privates: { ...dkg.privates, [key]: e } };
  return progress({ ...s, dkg: next }, env);
}

export function onDkgPrivateBegin(
  s: SignerState,
  e: WireEnvelopeOf<'dkg-private-begin'>,
  env: Env,
): Out {
  const dkg = s.dkg;
  if (dkg === null || e.dkgId !== dkg.dkgId) return ignored(s, 'not-current', e.kind);
  if (dkg.privateBegin !== null) {
    // A repeated request: the coordinator lacks our answer.
    if (dkg.end !== null)
      return { state: s, effects: [send(toCoordinator(s), endOut(dkg, dkg.end))] };
    if (dkg.ownPrivate !== null)
      return { state: s, effects: [send({ kind: 'broadcast' }, privateOut(dkg, dkg.ownPrivate))] };
    return progress(s, env);
  }
  // The list fixes the new key's layout: one we would refuse to hold is refused before any share.
  const bad = newKeyRefusal(s.config.federation, e.payload.partyIds);
  if (bad !== null) return refused(s, bad, { from: e.sender.partyId });
  const list = { partyIds: [...e.payload.partyIds], echo: [...e.payload.echo] };
  return progress({ ...s, dkg: { ...dkg, privateBegin: list } }, env);
}

export function onDkgEndBegin(s: SignerState, e: WireEnvelopeOf<'dkg-end-begin'>, env: Env): Out {
  const dkg = s.dkg;
  if (dkg === null || e.dkgId !== dkg.dkgId) return ignored(s, 'not-current', e.kind);
  if (dkg.end !== null)
    return { state: s, effects: [send(toCoordinator(s), endOut(dkg, dkg.end))] };
  if (dkg.endBegin !== null) return progress(s, env);
  const list = { partyIds: [...e.payload.partyIds], echo: [...e.payload.echo] };
  return progress({ ...s, dkg: { ...dkg, endBegin: list } }, env);
}

/** The coordinator asks for our result (it lost our `dkg-end`, or took over). */
export function onDkgQuery(s: SignerState, e: WireEnvelopeOf<'dkg-query'>): Out {
  const dkg = s.dkg;
  if (dkg === null || e.dkgId !== dkg.dkgId) return ignored(s, 'not-current', e.kind);
  const status = dkg.end?.status;
  if (status?.type === 'failed')
    return { state: s, effects: [send(toCoordinator(s), endOut(dkg, dkg.end!))] };
  const result: Payload<'dkg-query-response'>['result'] =
    status?.type === 'ok' ? status : { type: 'none' };
  return {
    state: s,
    effects: [
      send(toCoordinator(s), { kind: 'dkg-query-response', dkgId: dkg.dkgId, payload: { result } }),
    ],
  };
}

/** Listed peers whose message we hold differs from the coordinator's echo. */
function mismatches(
  s: SignerState,
  list: EchoList,
  book: Record<string, WireEnvelope>,
): { partyIds: number[]; evidence: string[] } {
  const partyIds: number[] = [];
  const evidence: string[] = [];
  list.partyIds.forEach((id, i) => {
    if (id === s.config.id) return;
    const e = book[String(id)];
    if (e !== undefined && contentDigest(e) !== list.echo[i]) {
      partyIds.push(id);
      evidence.push(sealedHex(e));
    }
  });
  return { partyIds, evidence };
}

const missingIn = (s: SignerState, list: EchoList, book: Record<string, WireEnvelope>) =>
  list.partyIds.filter((id) => id !== s.config.id && book[String(id)] === undefined);

/** Advances the DKG as far as the received data allows. */
function progress(s: SignerState, env: Env): Out {
  let state = s;
  const effects: Effect<SignerReport>[] = [];
  const self = s.config.id;
  const dkg = s.dkg!;
  const pb = dkg.privateBegin;
  if (pb !== null && dkg.ownPrivate === null && dkg.end === null && pb.partyIds.includes(self)) {
    // Peers' broadcasts may still be in flight; the coordinator forwards what we lack.
    if (missingIn(s, pb, dkg.publics).length > 0) return { state, effects };
    const forged = mismatches(s, pb, dkg.publics);
    if (forged.partyIds.length > 0)
      return ended(s, { type: 'failed', reasons: [{ type: 'equivocation', ...forged }] });
    const r = round2(
      sub(s, pb),
      dkgSession(s.config.federation, dkg.dkgId),
      self,
      dkg.secret,
      publicsOf(s, pb),
      env.rng,
    );
    if (!r.ok) return ended(s, failure(r.faults.map((f) => ({ party: f.party, kind: f.kind }))));
    const next: SignerDkg = { ...dkg, ownPrivate: r.payload };
    state = { ...state, dkg: next };
    // Shares are persisted before they leave: a restart sends these same ciphertexts again
    // (a second encryption under the same pair key and nonce would leak both plaintexts).
    effects.push({ type: 'persist' }, send({ kind: 'broadcast' }, privateOut(next, r.payload)));
  }
  const d = state.dkg!;
  const eb = d.endBegin;
  if (eb !== null && d.end === null && d.ownPrivate !== null && eb.partyIds.includes(self)) {
    if (pb === null || eb.partyIds.join() !== pb.partyIds.join()) {
      // The key's layout was fixed by the private-begin list; another list cannot finish it.
      return { state, effects: [...effects, refusal('layout-changed')] };
    }
    if (missingIn(state, eb, d.privates).length > 0) return { state, effects };
    const forged = mismatches(state, eb, d.privates);
    if (forged.partyIds.length > 0) {
      const r = ended(state, { type: 'failed', reasons: [{ type: 'equivocation', ...forged }] });
      return { state: r.state, effects: [...effects, ...r.effects] };
    }
    const privates = new Map<number, PrivateShares>();
    for (const id of eb.partyIds)
      if (id !== self)
        privates.set(id, (d.privates[String(id)] as WireEnvelopeOf<'dkg-private-shares'>).payload);
    const layout = sub(state, eb);
    const out = finish(
      layout,
      dkgSession(state.config.federation, d.dkgId),
      self,
      d.secret,
      publicsOf(state, eb),
      privates,
      env.rng,
    );
    const r = out.ok
      ? ended(state, okStatus(out.result), { layout, result: out.result })
      : ended(state, {
          type: 'failed',
          reasons: [
            ...(out.missingShares.length > 0
              ? [{ type: 'missing-private-shares' as const, partyIds: out.missingShares }]
              : []),
            ...(out.complaints.length > 0
              ? [{ type: 'complaints' as const, complaints: out.complaints }]
              : []),
          ],
        });
    return { state: r.state, effects: [...effects, ...r.effects] };
  }
  return { state, effects };
}

const sub = (s: SignerState, list: EchoList) =>
  subLayout(s.config.federation.parties, list.partyIds, s.config.federation.threshold);

function publicsOf(s: SignerState, list: EchoList): Map<number, PublicShares> {
  const dkg = s.dkg!;
  const out = new Map<number, PublicShares>();
  for (const id of list.partyIds)
    out.set(
      id,
      id === s.config.id
        ? dkg.ownPublic
        : (dkg.publics[String(id)] as WireEnvelopeOf<'dkg-public-shares'>).payload,
    );
  return out;
}

function okStatus(r: DkgFinished): DkgEndPayload['status'] {
  return {
    type: 'ok',
    groupKey: r.groupKey,
    echoHash: r.echoHash,
    keyIdPublicShares: r.keyIdPublicShares,
  };
}

/** Round-1 faults as wire failure reasons (one entry per reason type, in the wire's order). */
function failure(faults: { party: number; kind: string }[]): DkgEndPayload['status'] {
  const byType = new Map<FailureReason['type'], Set<number>>();
  for (const f of faults) {
    const type: FailureReason['type'] =
      f.kind === 'bad-pok' || f.kind === 'bad-kex-pok'
        ? 'bad-proof-of-knowledge'
        : f.kind === 'wrong-polynomial-length'
          ? 'wrong-polynomial-length'
          : f.kind === 'missing-round1'
            ? 'missing-public-shares'
            : 'bad-public-shares';
    const set = byType.get(type) ?? new Set<number>();
    set.add(f.party);
    byType.set(type, set);
  }
  const reasons = DKG_FAILURE_TYPES.filter((t) => byType.has(t)).map(
    (t) => ({ type: t, partyIds: [...byType.get(t)!].sort((a, b) => a - b) }) as FailureReason,
  );
  return { type: 'failed', reasons };
}

/** The DKG ended here: erase the polynomial, keep the key if it succeeded, tell the coordinator. */
function ended(
  s: SignerState,
  status: DkgEndPayload['status'],
  key?: { layout: ReturnType<typeof sub>; result: DkgFinished },
): Out {
  const dkg = s.dkg!;
  const end: DkgEndPayload = { status };
  const done: SignerDkg = {
    ...dkg,
    secret: { coefficients: [], kexSecret: dkg.secret.kexSecret },
    end,
  };
  const pending =
    key === undefined
      ? s.pending
      : {
          dkgId: dkg.dkgId,
          pub: {
            layout: key.layout,
            groupKey: key.result.groupKey,
            verifyingShares: Object.fromEntries(
              key.result.keyIdPublicShares.map((x) => [String(x.keyId), x.publicShare]),
            ),
          },
          keyShares: key.result.keyIdSecrets,
          status: 'unverified' as const,
          verificationSigned: false,
          transcript: { echoHash: key.result.echoHash, confirmedBy: [] },
        };
  return {
    state: { ...s, dkg: done, pending },
    effects: [
      { type: 'persist' },
      send(toCoordinator(s), endOut(done, end)),
      {
        type: 'report',
        report: { kind: 'dkg-ended', dkgId: dkg.dkgId, success: status.type === 'ok' },
      },
    ],
  };
}
