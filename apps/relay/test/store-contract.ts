import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { PostInput, RelayStore } from '../src/store/types.ts';
import { as, hex, membership, tokenFor } from './helpers.ts';

/** How the contract gets stores: a fresh one per federation name, and the same one reopened. */
export type StoreFactory = {
  open(federation: string): Promise<RelayStore>;
};

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
let counter = 0;
const fresh = (): string => `c${process.pid}x${counter++}`;

function input(
  sender: string,
  id: string,
  recipients: string[],
  text: string,
  digest = text,
): PostInput {
  return { sender, id, digest, recipients, envelope: enc(text), receivedAt: 1000 + counter };
}

/** The one behaviour every store must have; run against SQLite and JetStream. */
export function storeContract(name: string, factory: () => StoreFactory): void {
  describe(`store contract: ${name}`, () => {
    it('stores per inbox in order and reads after a cursor in batches', async () => {
      const store = await factory().open(fresh());
      try {
        for (let i = 0; i < 12; i++) {
          const out = await store.post(
            input(String((i % 2) + 1), `m${i}`, i % 3 === 0 ? ['a', 'b'] : ['a'], `t${i}`),
          );
          expect(out.kind).toBe('stored');
        }
        const a = await store.read('a', 0, 100);
        expect(a.map((m) => dec(m.envelope))).toEqual(
          Array.from({ length: 12 }, (_, i) => `t${i}`),
        );
        expect(a[1]).toMatchObject({ id: 'm1', from: '2' });
        const b = await store.read('b', 0, 100);
        expect(b.map((m) => m.id)).toEqual(['m0', 'm3', 'm6', 'm9']);
        const firstFive = await store.read('a', 0, 5);
        expect(firstFive.length).toBe(5);
        const rest = await store.read('a', (firstFive[4] as { seq: number }).seq, 100);
        expect(rest.map((m) => m.id)).toEqual(a.slice(5).map((m) => m.id));
        for (let i = 1; i < a.length; i++)
          expect((a[i] as { seq: number }).seq).toBeGreaterThan((a[i - 1] as { seq: number }).seq);
        expect(await store.read('nobody', 0, 10)).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('answers duplicate for the same digest and conflict for another, storing once', async () => {
      const store = await factory().open(fresh());
      try {
        expect(await store.post(input('1', 'x', ['a', 'b'], 'one'))).toEqual({
          kind: 'stored',
          recipients: ['a', 'b'],
        });
        expect(await store.post(input('1', 'x', ['a', 'b'], 'one'))).toEqual({
          kind: 'duplicate',
          recipients: ['a', 'b'],
        });
        expect(await store.post(input('1', 'x', ['a'], 'two'))).toEqual({ kind: 'conflict' });
        // Concurrent identical posts of a new id: stored exactly once.
        const outs = await Promise.all(
          Array.from({ length: 5 }, () => store.post(input('2', 'y', ['a'], 'same'))),
        );
        expect(outs.filter((o) => o.kind === 'conflict')).toEqual([]);
        const a = await store.read('a', 0, 100);
        expect(a.map((m) => `${m.from}:${m.id}:${dec(m.envelope)}`)).toEqual([
          '1:x:one',
          '2:y:same',
        ]);
      } finally {
        await store.close();
      }
    });

    it('acks forward only, never past the head, and counts depth', async () => {
      const store = await factory().open(fresh());
      try {
        expect(await store.cursor('a')).toBe(0);
        for (let i = 0; i < 4; i++) await store.post(input('1', `m${i}`, ['a'], `t${i}`));
        const msgs = await store.read('a', 0, 10);
        const seqs = msgs.map((m) => m.seq);
        expect(await store.depth('a')).toBe(4);
        expect(await store.ack('a', seqs[1] as number)).toEqual({ kind: 'ok', cursor: seqs[1] });
        expect(await store.ack('a', seqs[0] as number)).toEqual({ kind: 'ok', cursor: seqs[1] });
        expect(await store.ack('a', (seqs[3] as number) + 1000)).toEqual({
          kind: 'ahead',
          head: seqs[3],
        });
        expect(await store.cursor('a')).toBe(seqs[1]);
        expect(await store.depth('a')).toBe(2);
        expect((await store.ack('b', 1)).kind).toBe('ahead');
      } finally {
        await store.close();
      }
    });

    it('keeps messages, ids and cursors across close and reopen', async () => {
      const fed = fresh();
      const f = factory();
      const first = await f.open(fed);
      await first.post(input('1', 'k', ['a'], 'kept'));
      await first.post(input('1', 'l', ['a'], 'later'));
      const [m] = await first.read('a', 0, 1);
      await first.ack('a', (m as { seq: number }).seq);
      await first.compatAppend(enc('C0'));
      expect(dec((await first.compatNext('r')) as Uint8Array)).toBe('C0');
      await first.close();
      const second = await f.open(fed);
      try {
        expect(await second.cursor('a')).toBe((m as { seq: number }).seq);
        expect((await second.read('a', await second.cursor('a'), 10)).map((x) => x.id)).toEqual([
          'l',
        ]);
        expect((await second.post(input('1', 'k', ['a'], 'kept'))).kind).toBe('duplicate');
        expect(await second.compatNext('r')).toBeUndefined();
      } finally {
        await second.close();
      }
    });

    it('keeps the highest-sequence announcement per party and key, across reopen', async () => {
      const fed = fresh();
      const f = factory();
      const first = await f.open(fed);
      const k1 = `02${'11'.repeat(32)}`;
      const k2 = `03${'22'.repeat(32)}`;
      const a = (party: string, registeredKey: string, sequence: number, text: string) => ({
        party,
        registeredKey,
        sequence,
        envelope: enc(text),
      });
      expect(await first.announcements()).toEqual([]);
      await first.saveAnnouncement(a('1', k1, 10, 'one-10'));
      await first.saveAnnouncement(a('1', k1, 9, 'one-9')); // lower: ignored
      await first.saveAnnouncement(a('1', k1, 10, 'one-10b')); // equal: ignored
      await first.saveAnnouncement(a('2', k2, 5, 'two-5'));
      await first.saveAnnouncement(a('1', k2, 3, 'one-under-k2')); // another key: its own row
      await first.saveAnnouncement(a('2', k2, 6, 'two-6'));
      await first.close();
      const second = await f.open(fed);
      try {
        const got = (await second.announcements()).map((x) => [
          x.party,
          x.registeredKey,
          x.sequence,
          dec(x.envelope),
        ]);
        expect(got).toEqual([
          ['1', k2, 3, 'one-under-k2'],
          ['2', k2, 6, 'two-6'],
          ['1', k1, 10, 'one-10'],
        ]);
      } finally {
        await second.close();
      }
    });

    it('signals arrivals for the recipients', async () => {
      const store = await factory().open(fresh());
      try {
        const seen: string[] = [];
        const offA = store.onArrival('a', () => seen.push('a'));
        const offB = store.onArrival('b', () => seen.push('b'));
        const got = new Promise<void>((resolve) => {
          const off = store.onArrival('a', () => {
            off();
            resolve();
          });
        });
        await store.post(input('1', 'n', ['a'], 'ping'));
        await got;
        offA();
        offB();
        expect(seen).toContain('a');
        expect(seen).not.toContain('b');
      } finally {
        await store.close();
      }
    });

    it('implements the original relay log (compatibility mode)', async () => {
      const store = await factory().open(fresh());
      try {
        const next = async (r: string) => {
          const b = await store.compatNext(r);
          return b === undefined ? '' : dec(b);
        };
        await store.compatAppend(enc('M0'));
        expect([await next('1'), await next('5'), await next('4'), await next('1')]).toEqual([
          'M0',
          'M0',
          'M0',
          '',
        ]);
        await store.compatAppend(enc('M1'));
        expect([await next('1'), await next('3'), await next('5')]).toEqual(['M1', 'M0', 'M1']);
        await store.compatAppend(enc('M2'));
        expect([await next('1'), await next('4'), await next('4')]).toEqual(['M2', 'M1', 'M2']);
        await store.compatAppend(new Uint8Array(0));
        expect((await store.compatNext('1'))?.length).toBe(0);
      } finally {
        await store.close();
      }
    });

    it('serves the HTTP API end to end, long-poll included', async () => {
      const store = await factory().open('test');
      const app = await buildApp({ store, members: membership(3), docs: false });
      try {
        const token = await tokenFor(app, '2');
        const cursor = (await as(app, '2', 'GET', '/v1/inboxes/2')).json().cursor as number;
        const head = (await as(app, '2', 'GET', `/v1/inboxes/2/messages?limit=1000`)).json()
          .next as number;
        const waiting = app.inject({
          method: 'GET',
          url: `/v1/inboxes/2/messages?after=${Math.max(cursor, head)}&wait=20000`,
          headers: { authorization: `Bearer ${token}` },
        });
        await new Promise((r) => setTimeout(r, 100));
        const id = fresh();
        const res = await as(app, '1', 'POST', '/v1/messages', {
          id,
          to: 'all',
          envelope: hex('e2e'),
        });
        expect(res.json()).toEqual({ id, recipients: ['2', '3'], duplicate: false });
        const got = (await waiting).json();
        expect(got.messages.map((m: { id: string }) => m.id)).toEqual([id]);
        const ack = await as(app, '2', 'POST', '/v1/inboxes/2/ack', { cursor: got.next });
        expect(ack.json()).toEqual({ cursor: got.next });
        expect(
          (await as(app, '1', 'POST', '/v1/messages', { id, to: 'all', envelope: hex('other') }))
            .statusCode,
        ).toBe(409);
        expect((await app.inject({ method: 'GET', url: '/healthz' })).json().status).toBe('ok');
      } finally {
        await app.close();
      }
    });
  });
}
