/** Every message kind of the protocol, as the envelope's `kind` tag. */
export const KINDS = [
  'signer-ready',
  'key-announcement',
  'public-address-available',
  'dkg-begin',
  'dkg-public-shares',
  'dkg-private-begin',
  'dkg-private-shares',
  'dkg-end-begin',
  'dkg-end',
  'dkg-query',
  'dkg-query-response',
  'nonce-request',
  'nonce-response',
  'signature-share-request',
  'signature-share-response',
] as const;

/** A message kind tag. */
export type Kind = (typeof KINDS)[number];

/**
 * Which session ids the envelope of each kind carries: none (federation set-up), the DKG id,
 * or the DKG id (which key signs), sign id and iteration (signing rounds).
 */
export const KIND_IDS = {
  'signer-ready': 'none',
  'key-announcement': 'none',
  'public-address-available': 'dkg',
  'dkg-begin': 'dkg',
  'dkg-public-shares': 'dkg',
  'dkg-private-begin': 'dkg',
  'dkg-private-shares': 'dkg',
  'dkg-end-begin': 'dkg',
  'dkg-end': 'dkg',
  'dkg-query': 'dkg',
  'dkg-query-response': 'dkg',
  'nonce-request': 'sign',
  'nonce-response': 'sign',
  'signature-share-request': 'sign',
  'signature-share-response': 'sign',
} as const satisfies Record<Kind, 'none' | 'dkg' | 'sign'>;

/**
 * Kinds only the active coordinator may send (WSTS `Packet::verify`: the coordinator key for
 * DkgBegin, DkgPrivateBegin, DkgEndBegin, NonceRequest, SignatureShareRequest), plus the
 * coordinator's DKG query and its publication of the new address.
 */
export const COORDINATOR_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  'public-address-available',
  'dkg-begin',
  'dkg-private-begin',
  'dkg-end-begin',
  'dkg-query',
  'nonce-request',
  'signature-share-request',
]);

/** True for a kind only the coordinator may send. */
export function isCoordinatorKind(kind: Kind): boolean {
  return COORDINATOR_KINDS.has(kind);
}
