import type { Counter, Histogram } from 'prom-client';
import { StoreUnavailableError } from '../errors.ts';
import type { RelayStore } from './types.ts';

type Op =
  | 'post'
  | 'read'
  | 'cursor'
  | 'ack'
  | 'depth'
  | 'compatAppend'
  | 'compatNext'
  | 'saveAnnouncement'
  | 'announcements'
  | 'ping';

/**
 * Wraps a store: times every operation, counts failures, and turns any failure into a
 * StoreUnavailableError (answered 503 with a fixed message; the cause goes to the log).
 */
export function instrumentStore(
  store: RelayStore,
  metrics: { errors: Counter<'op'>; duration: Histogram<'op'> },
): RelayStore {
  const wrap =
    <A extends unknown[], R>(op: Op, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const end = metrics.duration.startTimer({ op });
      try {
        return await fn(...args);
      } catch (err) {
        metrics.errors.inc({ op });
        throw new StoreUnavailableError(op, err);
      } finally {
        end();
      }
    };
  return {
    name: store.name,
    ...(store.maxEnvelopeBytes !== undefined ? { maxEnvelopeBytes: store.maxEnvelopeBytes } : {}),
    post: wrap('post', (i) => store.post(i)),
    read: wrap('read', (inbox, after, limit) => store.read(inbox, after, limit)),
    cursor: wrap('cursor', (inbox) => store.cursor(inbox)),
    ack: wrap('ack', (inbox, c) => store.ack(inbox, c)),
    depth: wrap('depth', (inbox) => store.depth(inbox)),
    onArrival: (inbox, l) => store.onArrival(inbox, l),
    compatAppend: wrap('compatAppend', (b) => store.compatAppend(b)),
    compatNext: wrap('compatNext', (r) => store.compatNext(r)),
    saveAnnouncement: wrap('saveAnnouncement', (a) => store.saveAnnouncement(a)),
    announcements: wrap('announcements', () => store.announcements()),
    ping: wrap('ping', () => store.ping()),
    close: () => store.close(),
  };
}
