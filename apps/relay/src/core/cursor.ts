import type { StoredMessage } from '../store/types.ts';

/** Where a read starts: the explicit `after`, else the inbox's acknowledged cursor. */
export function readStart(after: number | undefined, acked: number): number {
  return after ?? acked;
}

/** The `after` of the following read: the last returned sequence, or the start if none. */
export function nextAfter(start: number, batch: readonly StoredMessage[]): number {
  const last = batch[batch.length - 1];
  return last ? last.seq : start;
}

export type AckPlan =
  | { kind: 'advance'; cursor: number }
  | { kind: 'keep'; cursor: number }
  | { kind: 'ahead'; head: number };

/**
 * An ack moves the cursor forward only, and never past the inbox's last message (that would
 * silently skip messages not yet stored).
 */
export function planAck(current: number, requested: number, head: number): AckPlan {
  if (requested > head && requested > current) return { kind: 'ahead', head };
  if (requested <= current) return { kind: 'keep', cursor: current };
  return { kind: 'advance', cursor: requested };
}
