// Helpers that build envelopes as raw JSON and sign them directly, bypassing `seal`'s checks,
// so tests can hand `open` validly signed but malformed content.
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalJson, envelopeDigest, seal, type UnsignedEnvelope } from '../src/index.ts';
import { secretKeyOf } from './samples.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The raw JSON of a sealed sample (with its signature removed). */
export function rawOf(message: UnsignedEnvelope): { [key: string]: Json } {
  const text = new TextDecoder().decode(seal(message, secretKeyOf(message.sender.partyId)));
  const { signature: _signature, ...rest } = JSON.parse(text) as { [key: string]: Json };
  return rest;
}

/** Signs raw JSON as party `partyId` would, and returns the canonical envelope text. */
export function signRaw(raw: { [key: string]: Json }, partyId: number): string {
  const unsigned = canonicalJson(raw);
  if (unsigned === undefined) throw new Error('no JSON form');
  const signature = schnorr.sign(
    envelopeDigest(unsigned),
    secretKeyOf(partyId),
    new Uint8Array(32),
  );
  return canonicalJson({ ...raw, signature: bytesToHex(signature) }) as string;
}

/** A deep copy of a JSON value. */
export function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
