import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { MessageId, Recipients } from '@peg/wire';

const MESSAGE_ID_TAG = 'peg/relay/message-id/v1';

/** `to` as the relay compares it: `all`, or the set of ids (sorted, deduplicated). */
export function canonicalRecipients(to: Recipients): string {
  return to === 'all' ? 'all' : [...new Set(to)].sort().join(',');
}

/**
 * The relay message id of a post: taggedHash("peg/relay/message-id/v1", recipients ‖ 0x00 ‖
 * envelope bytes), hex. The relay deduplicates on (sender, id), so posting the same envelope to
 * the same recipients again (a retry after a timeout, a crash or a restart) is answered as a
 * duplicate and never stored twice; the id needs no counter that would have to survive a crash.
 */
export function messageIdFor(to: Recipients, envelope: Uint8Array): MessageId {
  const digest = schnorr.utils.taggedHash(
    MESSAGE_ID_TAG,
    concatBytes(utf8ToBytes(canonicalRecipients(to)), new Uint8Array([0]), envelope),
  );
  return bytesToHex(digest);
}
