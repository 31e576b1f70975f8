import { schnorr } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { equalBytes } from './bytes.ts';
import { canonicalWithAndWithout } from './canonical.ts';
import { isFormattedPointOnCurve } from './curve.ts';
import { envelopeDigest, keyAnnouncementDigest } from './digest.ts';
import { type Envelope, type EnvelopeJson, PROTOCOL_VERSION, schemasFor } from './envelope.ts';
import type { OpenError } from './errors.ts';
import { isCoordinatorKind, type Kind } from './kinds.ts';
import type { Limits } from './limits.ts';
import { withPointChecks } from './point-checks.ts';
import { taprootOutputKey } from './taproot.ts';

/** The key each party id must sign with: a map, or a lookup function. */
export type ExpectedKeys =
  | ReadonlyMap<number, Uint8Array>
  | ((partyId: number) => Uint8Array | undefined);

/** Options of `open`. */
export type OpenOptions = {
  /** The federation's limits (default DEFAULT_LIMITS). */
  limits?: Limits;
  /** The active coordinator's x-only key: coordinator-only kinds from any other key are refused. */
  coordinatorKey?: Uint8Array;
  /** Only these kinds are accepted here (a valid message of another kind is refused). */
  kinds?: readonly Kind[];
};

/**
 * What `open` returns: the envelope decoded (`value`), in its JSON form (`json`: plain data,
 * byte fields as lowercase hex; `canonicalJson(json)` is exactly the input text) and its
 * signing hash (`digest`, a message id), or a typed error.
 */
export type OpenResult =
  | { ok: true; value: Envelope; json: EnvelopeJson; digest: Uint8Array }
  | { ok: false; error: OpenError };

const MAX_ISSUES = 10;
const fail = (error: OpenError): OpenResult => ({ ok: false, error });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes and authenticates one envelope. Checks run cheapest first, and nothing after a
 * failed check runs: size; UTF-8 and JSON; version; schema (members, types, ids, scalars,
 * list lengths against the limits); canonical form; allowed kind; sender key (impersonation)
 * and coordinator key; BIP340 signature; then the curve checks of every point and the proofs
 * the wire owns (key possession, Taproot output key). Never throws: every failure, including
 * an unexpected one, is an `OpenError`.
 */
export function open(
  input: Uint8Array | string,
  expectedKeys: ExpectedKeys,
  options: OpenOptions = {},
): OpenResult {
  try {
    return openUnchecked(input, expectedKeys, options);
  } catch (error) {
    return fail({ code: 'internal', reason: error instanceof Error ? error.name : 'unknown' });
  }
}

function openUnchecked(
  input: Uint8Array | string,
  expectedKeys: ExpectedKeys,
  options: OpenOptions,
): OpenResult {
  const schemas = schemasFor(options.limits);
  const max = schemas.limits.maxBytes;
  if (input.length > max) return fail({ code: 'oversize', size: input.length, max });
  const bytes = typeof input === 'string' ? utf8ToBytes(input) : input;
  if (bytes.length > max) return fail({ code: 'oversize', size: bytes.length, max });

  let text: string;
  try {
    // ignoreBOM keeps a leading BOM in the text, so JSON.parse refuses it (one encoding).
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail({ code: 'malformed', reason: 'not UTF-8' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail({ code: 'malformed', reason: 'not JSON' });
  }
  if (isPlainObject(raw) && Object.hasOwn(raw, 'version') && raw.version !== PROTOCOL_VERSION) {
    return fail({
      code: 'unsupported-version',
      version: typeof raw.version === 'number' ? raw.version : String(raw.version),
    });
  }

  const { result: decoded, points } = withPointChecks('defer', () =>
    schemas.envelopeSchema.safeDecode(raw as never),
  );
  if (!decoded.success) {
    return fail({
      code: 'invalid',
      issues: decoded.error.issues.slice(0, MAX_ISSUES).map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    });
  }
  const texts = canonicalWithAndWithout(raw as Record<string, unknown>, 'signature');
  if (texts === undefined || texts.full !== text) return fail({ code: 'non-canonical' });

  const envelope = decoded.data;
  if (options.kinds !== undefined && !options.kinds.includes(envelope.kind)) {
    return fail({ code: 'unexpected-kind', kind: envelope.kind });
  }
  const { partyId, publicKey } = envelope.sender;
  const expected =
    typeof expectedKeys === 'function' ? expectedKeys(partyId) : expectedKeys.get(partyId);
  if (expected === undefined) return fail({ code: 'unknown-sender', partyId });
  if (!equalBytes(expected, publicKey)) return fail({ code: 'impersonation', partyId });
  if (
    options.coordinatorKey !== undefined &&
    isCoordinatorKind(envelope.kind) &&
    !equalBytes(options.coordinatorKey, publicKey)
  ) {
    return fail({ code: 'not-coordinator', kind: envelope.kind, partyId });
  }

  const digest = envelopeDigest(texts.without);
  if (!schnorr.verify(envelope.signature, digest, publicKey))
    return fail({ code: 'bad-signature' });

  for (const hex of points)
    if (!isFormattedPointOnCurve(hex)) return fail({ code: 'invalid-point' });

  const proof = checkProofs(envelope);
  if (proof !== undefined) return fail({ code: 'invalid-proof', reason: proof });
  // `raw` passed the schema, which admits no unknown member, and is canonical: plain JSON data
  // of exactly the envelope's type, separate from `value` (which the decoder built anew).
  return { ok: true, value: envelope, json: raw as EnvelopeJson, digest };
}

/** The proofs inside payloads that the wire itself can check; returns the failure, if any. */
function checkProofs(envelope: Envelope): string | undefined {
  if (envelope.kind === 'key-announcement') {
    const { sequence, messagingKey, possession } = envelope.payload;
    const digest = keyAnnouncementDigest(envelope.sender.partyId, sequence, messagingKey);
    if (!schnorr.verify(possession, digest, messagingKey)) return 'messaging key possession';
  }
  if (envelope.kind === 'public-address-available') {
    const outputKey = taprootOutputKey(envelope.payload.aggregateKey);
    if (outputKey === null || !equalBytes(outputKey, envelope.payload.outputKey)) {
      return 'output key is not the TapTweak of the aggregate key';
    }
  }
  return undefined;
}
