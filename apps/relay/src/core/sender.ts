import { senderSchema } from '@peg/wire';

export type SenderCheck = 'ok' | 'not-an-envelope' | 'mismatch';

const dec = new TextDecoder('utf-8', { fatal: true });

/**
 * Optional early check (`--check-sender`): the envelope is a @peg/wire envelope (JSON with a
 * `sender`) whose `sender.partyId` is the party the authenticated member speaks for (its id, or
 * its members-file `party`), so a member cannot post an envelope claiming another sender. Only
 * the id is compared: the envelope's key is the sender's messaging key, which may rotate
 * independently of the relay key. The signature is not checked here (one curve verification per
 * post); receivers still `open` every envelope.
 */
export function checkEnvelopeSender(envelope: Uint8Array, party: string): SenderCheck {
  let json: unknown;
  try {
    json = JSON.parse(dec.decode(envelope));
  } catch {
    return 'not-an-envelope';
  }
  if (typeof json !== 'object' || json === null || !('sender' in json)) return 'not-an-envelope';
  const sender = senderSchema.safeParse((json as { sender: unknown }).sender);
  if (!sender.success) return 'not-an-envelope';
  return String(sender.data.partyId) === party ? 'ok' : 'mismatch';
}
