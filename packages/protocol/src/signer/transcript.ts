/**
 * Transcript agreement without trusting the coordinator. A signer's DKG result (`dkg-end` ok, or
 * the same result in `dkg-query-response`) is signed by its identity key and names the group key
 * and the echo hash of the round-1 messages it used (frost `echoHash`). The coordinator forwards
 * every new-key holder's signed result to every other holder; a signer gives its share of the
 * key's verification signature (and so can ever adopt the key) only once every holder of the
 * key's layout has signed the same group key and echo hash as its own. A dealer that showed two
 * round-1 versions, even with a coordinator echoing to each signer the version it saw, therefore
 * gets no honest verification share: see docs/protocol/dkg.md, "Echo without trusting the
 * coordinator".
 */
import type { WireEnvelopeOf } from '../envelopes.ts';
import { ignored, type Out, refused } from './out.ts';
import type { SignerKey, SignerState } from './state.ts';

/** A peer's signed DKG result, forwarded by the coordinator (or sent to us directly). */
export function onPeerResult(
  s: SignerState,
  e: WireEnvelopeOf<'dkg-end'> | WireEnvelopeOf<'dkg-query-response'>,
): Out {
  const key = s.pending;
  const from = e.sender.partyId;
  const t = key?.transcript ?? null;
  if (key === null || t === null || key.dkgId !== e.dkgId) return ignored(s, 'not-current', e.kind);
  if (from === s.config.id || !key.pub.layout.parties.some((p) => p.id === from))
    return ignored(s, 'unknown-sender', e.kind);
  const result = e.kind === 'dkg-end' ? e.payload.status : e.payload.result;
  // A holder without a key: this key's verification round cannot complete anyway.
  if (result.type !== 'ok') return ignored(s, 'not-current', e.kind);
  // The first signed result of each holder counts (a second one proves only that holder lied, and
  // must not take back a key whose verification we may already have signed).
  if (t.confirmedBy.includes(from)) return { state: s, effects: [] };
  if (result.groupKey !== key.pub.groupKey || result.echoHash !== t.echoHash) {
    // Two holders used different round-1 transcripts (an equivocating dealer, echoed by the
    // coordinator as each one saw it): this key must never be used. Dropped for good.
    return {
      state: { ...s, pending: null },
      effects: [{ type: 'persist' }, ...refused(s, 'transcript-mismatch', { from }).effects],
    };
  }
  const confirmedBy = [...t.confirmedBy, from].sort((a, b) => a - b);
  return {
    state: { ...s, pending: { ...key, transcript: { ...t, confirmedBy } } },
    effects: [{ type: 'persist' }],
  };
}

/** Every other holder of the key's layout signed the same transcript as ours. */
export function transcriptConfirmed(s: SignerState, key: SignerKey): boolean {
  const t = key.transcript ?? null;
  if (t === null) return true; // not from a DKG of ours (a dealer-installed key)
  return key.pub.layout.parties.every((p) => p.id === s.config.id || t.confirmedBy.includes(p.id));
}
