import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  headers,
  type JetStreamClient,
  type JetStreamManager,
  type KV,
  type NatsConnection,
  nanos,
  StorageType,
  type Subscription,
} from 'nats';
import { planAck } from '../core/cursor.ts';
import { Arrivals } from './arrivals.ts';
import type {
  AckOutcome,
  PostInput,
  PostOutcome,
  RelayStore,
  StoredAnnouncement,
  StoredMessage,
} from './types.ts';

export type JetStreamStoreOptions = {
  /** `host:port` list, e.g. `127.0.0.1:4222`. */
  servers: string | string[];
  federation: string;
  /** Stream and KV replicas: 1 for a single server, 3 for a cluster. */
  replicas?: number;
  /** Request timeout towards the server, ms. */
  timeoutMs?: number;
  /** Deduplication window of the stream, ms (covers client retries). */
  duplicateWindowMs?: number;
  /** How long open() retries while the servers elect their JetStream leaders, ms. */
  startupTimeoutMs?: number;
};

type IdRecord = { digest: string; recipients: string[] };

// The manager's `direct` API (allow_direct streams) exists at run time but its type is not
// exported by the nats package.
type DirectGet = {
  getMessage(
    stream: string,
    query: { last_by_subj: string } | { seq: number; next_by_subj: string },
  ): Promise<{ seq: number; data: Uint8Array }>;
};

const dec = new TextDecoder();
const equalBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const isWrongLastSeq = (e: unknown): boolean =>
  e instanceof Error && /wrong last sequence/.test(e.message);
const isNotFound = (e: unknown): boolean =>
  e instanceof Error && /no message found|not found/i.test(e.message);

/**
 * JetStream store: one stream per federation (`PEG_RELAY_<fed>`), one subject per inbox
 * (`peg.relay.<fed>.in.<party>`), a post acknowledged after every recipient's publish was
 * acknowledged (quorum-replicated with replicas=3). Idempotency: `Nats-Msg-Id` dedupes retries
 * inside the duplicate window, and a KV record per (sender, id), written after the publishes,
 * keeps the digest for the 409 check forever. Cursors live in a KV bucket (CAS updates), so any
 * relay process can serve any reader; arrivals reach every relay through a core subscription
 * on the inbox subjects.
 */
export class JetStreamStore implements RelayStore {
  readonly name = 'jetstream';
  /** The server's max_payload less room for headers (a larger publish would fail). */
  readonly maxEnvelopeBytes: number;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #direct: DirectGet;
  readonly #stream: string;
  readonly #prefix: string;
  readonly #ids: KV;
  readonly #cursors: KV;
  readonly #announcements: KV;
  readonly #arrivals = new Arrivals();
  readonly #sub: Subscription;

  private constructor(
    parts: {
      nc: NatsConnection;
      js: JetStreamClient;
      jsm: JetStreamManager;
      ids: KV;
      cursors: KV;
      announcements: KV;
    },
    federation: string,
  ) {
    this.#nc = parts.nc;
    this.#js = parts.js;
    this.#jsm = parts.jsm;
    this.#direct = (parts.jsm as unknown as { direct: DirectGet }).direct;
    this.#ids = parts.ids;
    this.#cursors = parts.cursors;
    this.#announcements = parts.announcements;
    this.#stream = `PEG_RELAY_${federation}`;
    this.maxEnvelopeBytes = Math.max(0, (this.#nc.info?.max_payload ?? 1024 * 1024) - 4096);
    this.#prefix = `peg.relay.${federation}`;
    this.#sub = this.#nc.subscribe(`${this.#prefix}.in.*`, {
      callback: (_err, msg) => {
        const inbox = msg.subject.slice(this.#prefix.length + 4);
        this.#arrivals.emit(inbox);
      },
    });
  }

  static async open(opts: JetStreamStoreOptions): Promise<JetStreamStore> {
    const replicas = opts.replicas ?? 1;
    const nc = await connect({
      servers: opts.servers,
      name: 'peg-relay',
      timeout: opts.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
    });
    const deadline = Date.now() + (opts.startupTimeoutMs ?? 30_000);
    // A cluster elects its JetStream leaders for a few seconds after start: retry until then.
    for (;;) {
      try {
        return await JetStreamStore.#setup(nc, opts, replicas);
      } catch (e) {
        if (Date.now() > deadline) {
          await nc.close();
          throw e;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  static async #setup(
    nc: NatsConnection,
    opts: JetStreamStoreOptions,
    replicas: number,
  ): Promise<JetStreamStore> {
    const jsm = await nc.jetstreamManager({ timeout: opts.timeoutMs ?? 5000 });
    const js = nc.jetstream({ timeout: opts.timeoutMs ?? 5000 });
    const stream = `PEG_RELAY_${opts.federation}`;
    try {
      await jsm.streams.info(stream);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await jsm.streams.add({
        name: stream,
        subjects: [`peg.relay.${opts.federation}.>`],
        storage: StorageType.File,
        num_replicas: replicas,
        allow_direct: true,
        duplicate_window: nanos(opts.duplicateWindowMs ?? 10 * 60_000),
      });
    }
    const ids = await js.views.kv(`PEG_RELAY_${opts.federation}_IDS`, { history: 1, replicas });
    const cursors = await js.views.kv(`PEG_RELAY_${opts.federation}_CURSORS`, {
      history: 1,
      replicas,
    });
    const announcements = await js.views.kv(`PEG_RELAY_${opts.federation}_ANNOUNCEMENTS`, {
      history: 1,
      replicas,
    });
    const store = new JetStreamStore({ nc, js, jsm, ids, cursors, announcements }, opts.federation);
    await nc.flush();
    return store;
  }

  #subject(inbox: string): string {
    return `${this.#prefix}.in.${inbox}`;
  }

  async #idRecord(key: string): Promise<IdRecord | undefined> {
    const e = await this.#ids.get(key);
    if (e?.operation !== 'PUT') return undefined;
    return JSON.parse(dec.decode(e.value)) as IdRecord;
  }

  async post(input: PostInput): Promise<PostOutcome> {
    const key = `${input.sender}.${input.id}`;
    const prior = await this.#idRecord(key);
    if (prior) {
      return prior.digest === input.digest
        ? { kind: 'duplicate', recipients: prior.recipients }
        : { kind: 'conflict' };
    }
    const recipients = [...input.recipients];
    // Publish first, record second: a crash in between leaves no record, so the client's retry
    // publishes again and Nats-Msg-Id makes that a no-op inside the duplicate window.
    const acks = await Promise.all(
      recipients.map((inbox) => {
        const h = headers();
        h.set('Peg-From', input.sender);
        h.set('Peg-Id', input.id);
        h.set('Peg-At', String(input.receivedAt));
        return this.#js.publish(this.#subject(inbox), input.envelope, {
          headers: h,
          msgID: `${input.sender}/${input.id}/${inbox}`,
        });
      }),
    );
    // A deduplicated publish stored nothing: the stream holds whatever was published first
    // under this id, our own earlier attempt or a concurrent post of other bytes through another
    // relay. Only the same bytes may be answered "stored" (else a sender racing one id with two
    // envelopes could be told its second one was stored).
    for (const pa of acks) {
      if (!pa.duplicate) continue;
      const held = await this.#jsm.streams.getMessage(this.#stream, { seq: pa.seq });
      if (!equalBytes(held.data, input.envelope)) return { kind: 'conflict' };
    }
    const record: IdRecord = { digest: input.digest, recipients };
    try {
      await this.#ids.create(key, utf8ToBytes(JSON.stringify(record)));
    } catch (e) {
      if (!isWrongLastSeq(e)) throw e;
      // A concurrent post with the same id recorded first.
      const other = await this.#idRecord(key);
      if (other && other.digest !== input.digest) return { kind: 'conflict' };
      return { kind: 'duplicate', recipients: other?.recipients ?? recipients };
    }
    return { kind: 'stored', recipients };
  }

  /**
   * An ephemeral consumer of one inbox starting right after `after` (its `num_pending` counts
   * what is left); the caller deletes it, the inactive threshold removes it anyway.
   */
  #consumerAfter(inbox: string, after: number) {
    return this.#jsm.consumers.add(this.#stream, {
      filter_subject: this.#subject(inbox),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: after + 1,
      ack_policy: AckPolicy.None,
      mem_storage: true,
      num_replicas: 1,
      inactive_threshold: nanos(30_000),
    });
  }

  async read(inbox: string, after: number, limit: number): Promise<StoredMessage[]> {
    // Its num_pending sizes the batch, so the fetch never waits (long-poll waiting happens in
    // the route, on arrivals).
    const ci = await this.#consumerAfter(inbox, after);
    try {
      const n = Math.min(limit, ci.num_pending);
      if (n === 0) return [];
      const out: StoredMessage[] = [];
      const it = this.#js.fetch(this.#stream, ci.name, { batch: n, expires: 5000 });
      for await (const m of it) {
        out.push({
          seq: m.seq,
          id: m.headers?.get('Peg-Id') ?? '',
          from: m.headers?.get('Peg-From') ?? '',
          receivedAt: Number(m.headers?.get('Peg-At') ?? 0),
          envelope: m.data,
        });
        if (out.length >= n) break;
      }
      return out;
    } finally {
      this.#jsm.consumers.delete(this.#stream, ci.name).catch(() => {
        // The inactive threshold removes it anyway.
      });
    }
  }

  async #cursorEntry(inbox: string): Promise<{ cursor: number; revision: number } | undefined> {
    const e = await this.#cursors.get(inbox);
    if (e?.operation !== 'PUT') return undefined;
    return { cursor: Number(dec.decode(e.value)), revision: e.revision };
  }

  async cursor(inbox: string): Promise<number> {
    return (await this.#cursorEntry(inbox))?.cursor ?? 0;
  }

  async #head(inbox: string): Promise<number> {
    try {
      const m = await this.#direct.getMessage(this.#stream, {
        last_by_subj: this.#subject(inbox),
      });
      return m.seq;
    } catch (e) {
      if (isNotFound(e)) return 0;
      throw e;
    }
  }

  async ack(inbox: string, cursor: number): Promise<AckOutcome> {
    // CAS loop: concurrent acks from several relays only ever move the cursor forward.
    for (let attempt = 0; attempt < 16; attempt++) {
      const entry = await this.#cursorEntry(inbox);
      const current = entry?.cursor ?? 0;
      const plan = planAck(current, cursor, cursor > current ? await this.#head(inbox) : current);
      if (plan.kind === 'ahead') return plan;
      if (plan.kind === 'keep') return { kind: 'ok', cursor: plan.cursor };
      try {
        const value = utf8ToBytes(String(plan.cursor));
        if (entry) await this.#cursors.update(inbox, value, entry.revision);
        else await this.#cursors.create(inbox, value);
        return { kind: 'ok', cursor: plan.cursor };
      } catch (e) {
        if (!isWrongLastSeq(e)) throw e;
      }
    }
    throw new Error('cursor update kept conflicting');
  }

  async depth(inbox: string): Promise<number> {
    const ci = await this.#consumerAfter(inbox, await this.cursor(inbox));
    this.#jsm.consumers.delete(this.#stream, ci.name).catch(() => {});
    return ci.num_pending;
  }

  onArrival(inbox: string, listener: () => void): () => void {
    return this.#arrivals.on(inbox, listener);
  }

  async saveAnnouncement(a: StoredAnnouncement): Promise<void> {
    // Key `<party>.<registered key>`: both are in the KV key alphabet. CAS, so that of two
    // relays racing, the higher sequence stays.
    const key = `${a.party}.${a.registeredKey}`;
    const value = utf8ToBytes(
      JSON.stringify({ sequence: a.sequence, envelope: bytesToHex(a.envelope) }),
    );
    for (let attempt = 0; attempt < 16; attempt++) {
      const e = await this.#announcements.get(key);
      const current = e?.operation === 'PUT' ? announcementRecord(e.value) : undefined;
      if (current !== undefined && current.sequence >= a.sequence) return;
      try {
        if (e) await this.#announcements.update(key, value, e.revision);
        else await this.#announcements.create(key, value);
        return;
      } catch (err) {
        if (!isWrongLastSeq(err)) throw err;
      }
    }
    throw new Error('announcement update kept conflicting');
  }

  async announcements(): Promise<StoredAnnouncement[]> {
    const out: StoredAnnouncement[] = [];
    // Collect the keys first: awaiting inside the keys() iterator ends it early.
    const keys: string[] = [];
    for await (const key of await this.#announcements.keys()) keys.push(key);
    for (const key of keys) {
      const e = await this.#announcements.get(key);
      if (e?.operation !== 'PUT') continue;
      const dot = key.indexOf('.');
      const r = announcementRecord(e.value);
      out.push({
        party: key.slice(0, dot),
        registeredKey: key.slice(dot + 1),
        sequence: r.sequence,
        envelope: hexToBytes(r.envelope),
      });
    }
    return out.sort((x, y) => x.sequence - y.sequence);
  }

  async compatAppend(body: Uint8Array): Promise<void> {
    await this.#js.publish(`${this.#prefix}.compat`, body);
  }

  async compatNext(reader: string): Promise<Uint8Array | undefined> {
    // Reader ids are arbitrary strings: hex keeps them inside the KV key alphabet.
    const key = `compat.${bytesToHex(utf8ToBytes(reader)) || 'empty'}`;
    for (let attempt = 0; attempt < 16; attempt++) {
      const e = await this.#cursors.get(key);
      const last = e && e.operation === 'PUT' ? Number(dec.decode(e.value)) : 0;
      let msg: { seq: number; data: Uint8Array };
      try {
        msg = await this.#direct.getMessage(this.#stream, {
          seq: last + 1,
          next_by_subj: `${this.#prefix}.compat`,
        });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      try {
        const value = utf8ToBytes(String(msg.seq));
        if (e && e.operation === 'PUT') await this.#cursors.update(key, value, e.revision);
        else await this.#cursors.create(key, value);
        return msg.data;
      } catch (err) {
        if (!isWrongLastSeq(err)) throw err;
      }
    }
    throw new Error('compat cursor update kept conflicting');
  }

  async ping(): Promise<void> {
    await this.#jsm.streams.info(this.#stream);
  }

  async close(): Promise<void> {
    this.#sub.unsubscribe();
    await this.#nc.drain();
  }
}

function announcementRecord(value: Uint8Array): { sequence: number; envelope: string } {
  return JSON.parse(dec.decode(value)) as { sequence: number; envelope: string };
}
