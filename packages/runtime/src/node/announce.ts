/**
 * A party's messaging-key announcement: a `key-announcement` envelope sealed with the party's
 * REGISTERED key (its Stacks key, as an x-only BIP340 key), carrying the messaging key and its
 * proof of possession (`announceKey` of @peg/wire). Peers and the relay accept it against the
 * registry (`KeyDirectory.applyAnnouncement`); a higher sequence replaces a lower one.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { announceKey, sealJson, type UnsignedEnvelopeJson } from '@peg/wire';
import type { ChainTip } from './machine-host.ts';

/** The announcement envelope's bytes. The caller wipes its secret keys. */
export function sealAnnouncement(p: {
  partyId: number;
  sequence: number;
  stacksSecretKey: Uint8Array;
  messagingSecretKey: Uint8Array;
  chainTip: ChainTip;
}): Uint8Array {
  const a = announceKey(p.partyId, p.sequence, p.messagingSecretKey);
  const unsigned = {
    kind: 'key-announcement',
    payload: {
      sequence: a.sequence,
      messagingKey: bytesToHex(a.messagingKey),
      possession: bytesToHex(a.possession),
    },
    sender: { partyId: p.partyId, publicKey: bytesToHex(schnorr.getPublicKey(p.stacksSecretKey)) },
    chainTip: p.chainTip,
  } as unknown as UnsignedEnvelopeJson;
  return sealJson(unsigned, p.stacksSecretKey);
}
