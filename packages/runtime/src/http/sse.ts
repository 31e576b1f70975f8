import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter, Gauge } from 'prom-client';
import { ApiHttpError } from './errors.ts';
import { EventRing, type StreamEvent } from './event-ring.ts';

/** Limits and timing of an event stream. */
export type EventStreamOptions = {
  /** Events kept for `Last-Event-ID` resumption (default 1024). */
  capacity?: number;
  /** A comment line this often keeps proxies and clients from timing out (default 15 s). */
  heartbeatMs?: number;
  /** A client whose unsent output grows past this is dropped (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Concurrent clients; one more is answered 503 (default 32). */
  maxClients?: number;
  /** The reconnection delay suggested to clients, `retry:` (default 3 s). */
  retryMs?: number;
  /** The id prefix of this process run (default random). */
  epoch?: string;
  /** Where to count clients, drops and events (see `eventStreamMetrics`). */
  metrics?: EventStreamMetrics;
};

/** Prometheus metrics of a stream. */
export type EventStreamMetrics = { clients: Gauge; dropped: Counter; published: Counter };

/** Counters of a stream, for metrics. */
export type EventStreamStats = {
  clients: number;
  published: number;
  /** Clients dropped for not reading fast enough. */
  dropped: number;
};

type Client = { res: ServerResponse };

const EVENT_TYPE = /^[a-z][a-z0-9-]{0,63}$/;

/** The `event:` frame of `e` (its data is one line of JSON: JSON.stringify escapes newlines). */
const frame = (e: StreamEvent): string => `id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`;

/**
 * Server-sent events (text/event-stream) fed by `publish`, served to any number of clients by
 * `serve`: each event gets an id, the newest are kept in a ring for `Last-Event-ID` resumption,
 * a heartbeat comment keeps idle connections open, a client that does not read is dropped once
 * its buffer passes the bound (the process's memory does not depend on its slowest reader), and
 * a client that goes away is forgotten at once.
 *
 * A resuming client whose events were lost gets an `event: gap` first (no id; data
 * `{"lastEventId", "oldest"}`), then every retained event: it should re-read the status.
 */
export class EventStream {
  private readonly ring: EventRing;
  private readonly clients = new Set<Client>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly opts: Required<Omit<EventStreamOptions, 'epoch' | 'capacity' | 'metrics'>>;
  private readonly metrics: EventStreamMetrics | undefined;
  private published = 0;
  private dropped = 0;

  constructor(opts: EventStreamOptions = {}) {
    this.ring = new EventRing(opts.capacity ?? 1024, opts.epoch ?? randomBytes(6).toString('hex'));
    this.opts = {
      heartbeatMs: opts.heartbeatMs ?? 15_000,
      maxBufferedBytes: opts.maxBufferedBytes ?? 1024 * 1024,
      maxClients: opts.maxClients ?? 32,
      retryMs: opts.retryMs ?? 3_000,
    };
    this.metrics = opts.metrics;
  }

  /** Sends `data` (JSON-serialized) as an event of `type` to every client; returns the event. */
  publish(type: string, data: unknown): StreamEvent {
    if (!EVENT_TYPE.test(type))
      throw new RangeError('"type" expected a kebab-case word of at most 64 characters');
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError('"data" expected a JSON-serializable value');
    const e = this.ring.append(type, json);
    this.published += 1;
    this.metrics?.published.inc();
    const text = frame(e);
    for (const c of this.clients) this.write(c, text);
    return e;
  }

  /** Serves the stream on this request (a GET route handler; the reply is hijacked). */
  serve(request: FastifyRequest, reply: FastifyReply): void {
    if (this.closed) throw new ApiHttpError(503, 'unavailable', 'shutting down');
    if (this.clients.size >= this.opts.maxClients)
      throw new ApiHttpError(503, 'unavailable', 'too many event stream clients', {
        'retry-after': String(Math.ceil(this.opts.retryMs / 1000)),
      });
    const header = request.headers['last-event-id'];
    const resume = this.ring.since(typeof header === 'string' ? header : undefined);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // The connection ends with the stream (a closing server must not wait for the client).
      connection: 'close',
      // Reverse proxies (nginx) would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    const client: Client = { res };
    this.clients.add(client);
    this.metrics?.clients.inc();
    res.on('close', () => this.forget(client));
    let text = `retry: ${this.opts.retryMs}\n\n`;
    if (!resume.complete) {
      const oldest = resume.events[0]?.id ?? null;
      // The client's id is echoed only when short (a header can hold kilobytes of anything).
      const lastEventId = typeof header === 'string' && header.length <= 64 ? header : null;
      text += `event: gap\ndata: ${JSON.stringify({ lastEventId, oldest })}\n\n`;
    }
    for (const e of resume.events) text += frame(e);
    this.write(client, text);
    this.startHeartbeat();
  }

  /** Ends every client's stream and refuses new ones (call before the server closes). */
  close(): void {
    this.closed = true;
    for (const c of [...this.clients]) {
      this.forget(c);
      // Once the end is flushed, close the socket: the server's close must not wait on clients.
      c.res.end(() => c.res.destroy());
    }
    this.stopHeartbeat();
  }

  stats(): EventStreamStats {
    return { clients: this.clients.size, published: this.published, dropped: this.dropped };
  }

  private write(c: Client, text: string): void {
    if (c.res.destroyed) return;
    c.res.write(text);
    // Node queues what the socket does not take: past the bound, the client is not reading.
    if (c.res.writableLength > this.opts.maxBufferedBytes) {
      this.dropped += 1;
      this.metrics?.dropped.inc();
      this.forget(c);
      c.res.destroy();
    }
  }

  private forget(c: Client): void {
    if (!this.clients.delete(c)) return;
    this.metrics?.clients.dec();
    if (this.clients.size === 0) this.stopHeartbeat();
  }

  private startHeartbeat(): void {
    if (this.heartbeat || this.clients.size === 0) return;
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) this.write(c, ': keep-alive\n\n');
    }, this.opts.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
