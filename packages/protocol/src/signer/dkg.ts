/** Signer side of DKG: round 1 (public shares), round 2 (private shares), end (checks, key). */
import {
  dkgComplain,
  dkgEncryptShares,
  dkgOpenAll,
  dkgPublicKeyPackage,
  dkgRound1,
  verifyPublicPackage,
} from '../crypto.ts';
import { evidenceDigest, signEvidence, verifyEvidence } from '../identity.ts';
import type {
  BadShareEvidence,
  DkgBegin,
  DkgEnd,
  DkgEndBegin,
  DkgPrivateBegin,
  DkgPrivateShares,
  DkgPublicShares,
  DkgQueryResponse,
  EquivocationEvidence,
  ProtocolMessage,
} from '../messages.ts';
import { activeOf } from '../selection.ts';
import { type Address, type Effect, type Env, partyOf } from '../types.ts';
import type { SignerReport } from './reports.ts';
import type { SignerDkg, SignerState } from './state.ts';

type Out = { state: SignerState; effects: Effect<SignerReport>[] };

/** Digest of a private-shares message as echoed (its content, without the signature). */
export const privateDigest = (m: DkgPrivateShares): string => evidenceDigest(m);
/** Digest of a public-shares message as echoed (its content, without the signature). */
export const publicDigest = (m: DkgPublicShares): string => evidenceDigest(m);

/** Answers go to the active coordinator (the one whose request is being answered). */
export const toCoordinator = (s: SignerState): Address => ({
  kind: 'coordinator',
  id: activeOf(s.view, s.config.federation.parties) ?? 0,
});

export function onDkgBegin(s: SignerState, m: DkgBegin, env: Env): Out {
  if (m.dkgId < s.maxDkgId || (s.dkg !== null && m.dkgId < s.dkg.dkgId))
    return ignored(s, 'old-id', 'dkg-begin');
  if (s.dkg !== null && s.dkg.dkgId === m.dkgId)
    return { state: s, effects: [send({ kind: 'broadcast' }, s.dkg.ownPublic)] };
  const { config } = s;
  const r1 = dkgRound1({ dkgId: m.dkgId }, config.id, config.federation.threshold, env.rng);
  const ownPublic = signEvidence<DkgPublicShares>(
    {
      type: 'dkg-public-shares',
      dkgId: m.dkgId,
      signerId: config.id,
      package: r1.public,
      signature: '',
    },
    config.identitySecret,
    env.rng,
  );
  const dkg: SignerDkg = {
    dkgId: m.dkgId,
    secret: r1.secret,
    ownPublic,
    publics: { [config.id]: ownPublic },
    privateBegin: null,
    privateEcho: null,
    ownPrivate: null,
    privates: {},
    endBegin: null,
    end: null,
  };
  // The polynomial is persisted before its commitment leaves: a restart resumes this DKG.
  return {
    state: { ...s, maxDkgId: m.dkgId, dkg },
    effects: [{ type: 'persist' }, send({ kind: 'broadcast' }, ownPublic)],
  };
}

/** Stores a peer's signed public or private shares for the current DKG (first copy wins). */
export function onPeerShares(
  s: SignerState,
  from: number,
  m: DkgPublicShares | DkgPrivateShares,
  env: Env,
): Out {
  const dkg = s.dkg;
  if (dkg === null || m.dkgId !== dkg.dkgId) return ignored(s, 'not-current', m.type);
  const party = partyOf(s.config.federation, m.signerId);
  if (party === undefined || m.signerId !== from) return ignored(s, 'unknown-sender', m.type);
  if (!verifyEvidence(m, party.publicKey)) return ignored(s, 'bad-evidence', m.type);
  const key = String(m.signerId);
  let next: SignerDkg;
  if (m.type === 'dkg-public-shares') {
    if (m.package.partyId !== m.signerId) return ignored(s, 'bad-evidence', m.type);
    if (dkg.publics[key] !== undefined) return { state: s, effects: [] };
    next = { ...dkg, publics: { ...dkg.publics, [key]: m } };
  } else {
    if (dkg.privates[key] !== undefined) return { state: s, effects: [] };
    next = { ...dkg, privates: { ...dkg.privates, [key]: m } };
  }
  return progress({ ...s, dkg: next }, env);
}

export function onDkgQueryResponse(s: SignerState, m: DkgQueryResponse, env: Env): Out {
  let cur: Out = { state: s, effects: [] };
  for (const inner of m.messages) {
    const r = onPeerShares(cur.state, inner.signerId, inner, env);
    cur = {
      state: r.state,
      effects: [...cur.effects, ...r.effects.filter((e) => e.type !== 'report')],
    };
  }
  return cur;
}

export function onDkgPrivateBegin(s: SignerState, m: DkgPrivateBegin, env: Env): Out {
  const dkg = s.dkg;
  if (dkg === null || m.dkgId !== dkg.dkgId) return ignored(s, 'not-current', m.type);
  if (dkg.privateBegin !== null) {
    // A repeated request: re-send our shares (the coordinator did not get them) or re-query.
    if (dkg.end !== null) return { state: s, effects: [send(toCoordinator(s), dkg.end)] };
    if (dkg.ownPrivate !== null)
      return { state: s, effects: [send({ kind: 'broadcast' }, dkg.ownPrivate)] };
    return progress(s, env, true);
  }
  // First request: peers' broadcasts may still be in flight; query only when it is repeated.
  return progress(
    { ...s, dkg: { ...dkg, privateBegin: [...m.signerIds], privateEcho: { ...m.echo } } },
    env,
    false,
  );
}

export function onDkgEndBegin(s: SignerState, m: DkgEndBegin, env: Env): Out {
  const dkg = s.dkg;
  if (dkg === null || m.dkgId !== dkg.dkgId) return ignored(s, 'not-current', m.type);
  if (dkg.end !== null) return { state: s, effects: [send(toCoordinator(s), dkg.end)] };
  // Query lost peer messages only when the coordinator repeats its request (resend tick).
  const repeated = dkg.endBegin !== null;
  return progress({ ...s, dkg: { ...dkg, endBegin: m } }, env, repeated);
}

/** Advances the DKG as far as the received data allows; queries missing data when asked to. */
function progress(s: SignerState, env: Env, query = false): Out {
  const dkg = s.dkg!;
  const effects: Effect<SignerReport>[] = [];
  let state = s;
  const self = s.config.id;
  if (dkg.privateBegin !== null && dkg.ownPrivate === null && dkg.privateBegin.includes(self)) {
    const missing = dkg.privateBegin.filter((id) => dkg.publics[id] === undefined);
    if (missing.length > 0) {
      if (query) effects.push(dkgQuery(s, missing));
      return { state, effects };
    }
    // Round-1 echo: encrypt only to public keys everyone holds identically. A party that showed
    // us another version equivocated: report it with its signed message instead of encrypting
    // (otherwise it could later "complain" that our share, sent to its other key, does not open).
    const echo = dkg.privateEcho ?? {};
    const forged = dkg.privateBegin.filter(
      (id) => echo[String(id)] !== publicDigest(dkg.publics[id]!),
    );
    if (forged.length > 0) {
      const end: DkgEnd = {
        type: 'dkg-end',
        dkgId: dkg.dkgId,
        signerId: self,
        status: {
          kind: 'failure',
          badPublicShares: [],
          badPrivateShares: [],
          equivocation: forged.map((id) => ({ kind: 'public', message: dkg.publics[id]! })),
          missing: [],
        },
      };
      return {
        state: { ...state, dkg: { ...dkg, end } },
        effects: [
          { type: 'persist' },
          send(toCoordinator(s), end),
          { type: 'report', report: { kind: 'dkg-ended', dkgId: dkg.dkgId, success: false } },
        ],
      };
    }
    const recipients = dkg.privateBegin.map((id) => ({
      partyId: id,
      keyIds: partyOf(s.config.federation, id)!.keyIds,
      kexPublicKey: dkg.publics[id]!.package.kexPublicKey,
    }));
    const shares = dkgEncryptShares({ dkgId: dkg.dkgId }, self, dkg.secret, recipients);
    const ownPrivate = signEvidence<DkgPrivateShares>(
      { type: 'dkg-private-shares', dkgId: dkg.dkgId, signerId: self, shares, signature: '' },
      s.config.identitySecret,
      env.rng,
    );
    const next = { ...dkg, ownPrivate, privates: { ...dkg.privates, [self]: ownPrivate } };
    state = { ...state, dkg: next };
    effects.push(send({ kind: 'broadcast' }, ownPrivate));
  }
  const d = state.dkg!;
  if (d.endBegin !== null && d.end === null && d.endBegin.signerIds.includes(self)) {
    const ids = d.endBegin.signerIds;
    const missing = ids.filter((id) => d.publics[id] === undefined || d.privates[id] === undefined);
    if (missing.length > 0) {
      if (query) effects.push(dkgQuery(state, missing));
      return { state, effects };
    }
    const ended = finish(state, d, d.endBegin, env);
    return { state: ended.state, effects: [...effects, ...ended.effects] };
  }
  return { state, effects };
}

function finish(s: SignerState, dkg: SignerDkg, endBegin: DkgEndBegin, env: Env): Out {
  const { federation } = s.config;
  const ctx = { dkgId: dkg.dkgId };
  const ids = endBegin.signerIds;
  const equivocation: EquivocationEvidence[] = [];
  const badPublicShares: number[] = [];
  const badPrivateShares: BadShareEvidence[] = [];
  for (const id of ids) {
    const pub = dkg.publics[id]!;
    const priv = dkg.privates[id]!;
    const echo = endBegin.echo[String(id)];
    if (echo === undefined || echo.public !== publicDigest(pub))
      equivocation.push({ kind: 'public', message: pub });
    if (echo === undefined || echo.private !== privateDigest(priv))
      equivocation.push({ kind: 'private', message: priv });
    if (!verifyPublicPackage(ctx, pub.package, federation.threshold)) badPublicShares.push(id);
  }
  const ownKeyIds = partyOf(federation, s.config.id)!.keyIds;
  let sums: Record<string, string> = {};
  if (equivocation.length === 0 && badPublicShares.length === 0) {
    const opened = dkgOpenAll(
      ctx,
      dkg.secret,
      ids.map((id) => ({ pkg: dkg.publics[id]!.package, shares: dkg.privates[id]!.shares })),
      ownKeyIds,
    );
    sums = opened.sums;
    for (const { sender, keyId } of opened.bad)
      badPrivateShares.push({
        complaint: dkgComplain(dkg.secret, dkg.publics[sender]!.package, keyId, env.rng),
        message: dkg.privates[sender]!,
      });
  }
  const ok =
    equivocation.length === 0 && badPublicShares.length === 0 && badPrivateShares.length === 0;
  let state: SignerState;
  let end: DkgEnd;
  const done = { ...dkg, secret: { coefficients: [], kexSecret: dkg.secret.kexSecret } };
  if (ok) {
    const keyIds = ids.flatMap((id) => partyOf(federation, id)!.keyIds).sort((a, b) => a - b);
    const pub = dkgPublicKeyPackage(
      federation.threshold,
      keyIds,
      ids.map((id) => dkg.publics[id]!.package),
    );
    const keyShares: Record<string, string> = {};
    for (const k of ownKeyIds) keyShares[String(k)] = sums[String(k)]!;
    end = {
      type: 'dkg-end',
      dkgId: dkg.dkgId,
      signerId: s.config.id,
      status: { kind: 'success', groupKey: pub.commitments[0]! },
    };
    state = {
      ...s,
      dkg: { ...done, end },
      pending: { dkgId: dkg.dkgId, pub, keyShares, status: 'unverified' },
    };
  } else {
    end = {
      type: 'dkg-end',
      dkgId: dkg.dkgId,
      signerId: s.config.id,
      status: { kind: 'failure', badPublicShares, badPrivateShares, equivocation, missing: [] },
    };
    state = { ...s, dkg: { ...done, end } };
  }
  return {
    state,
    effects: [
      { type: 'persist' },
      send(toCoordinator(s), end),
      { type: 'report', report: { kind: 'dkg-ended', dkgId: dkg.dkgId, success: ok } },
    ],
  };
}

function dkgQuery(s: SignerState, missing: number[]): Effect<SignerReport> {
  return send(toCoordinator(s), {
    type: 'dkg-query',
    dkgId: s.dkg!.dkgId,
    signerId: s.config.id,
    missing,
  });
}

export function send(to: Address, message: ProtocolMessage): Effect<SignerReport> {
  return { type: 'send', to, message };
}

export function ignored(
  s: SignerState,
  reason: 'old-id' | 'not-current' | 'unknown-sender' | 'bad-evidence',
  what: string,
): Out {
  return { state: s, effects: [{ type: 'report', report: { kind: 'ignored', reason, what } }] };
}
