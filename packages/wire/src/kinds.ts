/**
 * Every message kind of the protocol, in one table: which session ids its envelope carries and
 * whether only the active coordinator may send it. Everything else about kinds (the list, the
 * ids map, the coordinator set, the envelope schemas and their unions) is derived from it.
 *
 * Ids: none (federation set-up), the DKG id, or the DKG id (which key signs), sign id and
 * iteration (signing rounds). Coordinator-only: WSTS `Packet::verify` checks the coordinator key
 * for DkgBegin, DkgPrivateBegin, DkgEndBegin, NonceRequest, SignatureShareRequest; plus the
 * coordinator's DKG query and its publication of the new address; its heartbeat (an idle active
 * coordinator is not a silent one); and the proposal of a Stacks transaction for the signers to
 * co-sign.
 *
 * The Stacks co-signing kinds carry no session id: a response names its request by the
 * request's content (`transactionId`, the hash of the proposed transaction), and a signature
 * can only ever verify for that one transaction. So the coordinator keeps no counter to
 * persist, a coordinator that takes over can collect answers to the same transaction, and a
 * retry (another fee or nonce) is another transaction, hence another id.
 */
export const KIND_TABLE = {
  'signer-ready': { ids: 'none', coordinatorOnly: false },
  'key-announcement': { ids: 'none', coordinatorOnly: false },
  'public-address-available': { ids: 'dkg', coordinatorOnly: true },
  'coordinator-heartbeat': { ids: 'none', coordinatorOnly: true },
  'dkg-begin': { ids: 'dkg', coordinatorOnly: true },
  'dkg-public-shares': { ids: 'dkg', coordinatorOnly: false },
  'dkg-private-begin': { ids: 'dkg', coordinatorOnly: true },
  'dkg-private-shares': { ids: 'dkg', coordinatorOnly: false },
  'dkg-end-begin': { ids: 'dkg', coordinatorOnly: true },
  'dkg-end': { ids: 'dkg', coordinatorOnly: false },
  'dkg-query': { ids: 'dkg', coordinatorOnly: true },
  'dkg-query-response': { ids: 'dkg', coordinatorOnly: false },
  'nonce-request': { ids: 'sign', coordinatorOnly: true },
  'nonce-response': { ids: 'sign', coordinatorOnly: false },
  'signature-share-request': { ids: 'sign', coordinatorOnly: true },
  'signature-share-response': { ids: 'sign', coordinatorOnly: false },
  'stacks-cosign-request': { ids: 'none', coordinatorOnly: true },
  'stacks-cosign-response': { ids: 'none', coordinatorOnly: false },
} as const satisfies Record<string, { ids: 'none' | 'dkg' | 'sign'; coordinatorOnly: boolean }>;

/** A message kind tag. */
export type Kind = keyof typeof KIND_TABLE;

/** Every message kind, in the table's order. */
export const KINDS: readonly Kind[] = Object.freeze(Object.keys(KIND_TABLE) as Kind[]);

/** Which session ids the envelope of each kind carries. */
export const KIND_IDS: { readonly [K in Kind]: (typeof KIND_TABLE)[K]['ids'] } = Object.freeze(
  Object.fromEntries(KINDS.map((k) => [k, KIND_TABLE[k].ids])) as {
    [K in Kind]: (typeof KIND_TABLE)[K]['ids'];
  },
);

/** Kinds only the active coordinator may send. */
export const COORDINATOR_KINDS: ReadonlySet<Kind> = new Set(
  KINDS.filter((k) => KIND_TABLE[k].coordinatorOnly),
);

/** True for a kind only the coordinator may send: the one test, used by `open` and the machines. */
export function isCoordinatorKind(kind: Kind): boolean {
  return KIND_TABLE[kind]?.coordinatorOnly === true;
}
