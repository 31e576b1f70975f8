import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  AckResponse,
  AnnouncementsResponse,
  DEFAULT_LIMITS,
  InboxStatus,
  type MessageId,
  PartyId,
  PostMessageResponse,
  ReadInboxResponse,
  Recipients,
  RelayError,
  signRelayRequest,
  TokenResponse,
} from '@peg/wire';
import type { z } from 'zod';
import { sleep as defaultSleep } from '../sleep.ts';
import { type Backoff, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { RelayClientError } from './errors.ts';
import { messageIdFor } from './message-id.ts';

export type RelayClientOptions = {
  /** The relay's origin, e.g. `http://127.0.0.1:9776` (no path: requests are signed by path). */
  url: string;
  /** Federation name (part of every signed request). */
  federation: string;
  /** This member's id: its inbox name. */
  party: string;
  /** The member's BIP340 identity secret key (the keystore's); the client keeps a copy. */
  secretKey: Uint8Array;
  /** Renew the bearer token this long before it expires, ms (default 60 s). */
  renewBeforeMs?: number;
  /** Time allowed for one request beyond any long-poll wait, ms (default 10 s). */
  requestTimeoutMs?: number;
  /** Retries of post, ack and poll (default 100 ms doubling to 10 s, with jitter). */
  backoff?: Backoff;
  /** Clock, unix ms (default Date.now). */
  now?: () => number;
  /** Uniform [0, 1) for jitter (default Math.random). */
  random?: () => number;
  /** Waits `ms` unless `signal` aborts first (default a timer). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** HTTP (default the global fetch). */
  fetch?: typeof fetch;
};

/** A message read from one's inbox, envelope as bytes (to be checked with `open` of @peg/wire). */
export type ReceivedMessage = {
  seq: number;
  id: MessageId;
  from: string;
  receivedAt: number;
  envelope: Uint8Array;
  /** `<from>/<id>`: the relay's idempotency key, the state store's processed-input id. */
  inputId: string;
};

/** A party's key announcement served by the relay (unverified until opened). */
export type RelayAnnouncement = { party: string; sequence: number; envelope: Uint8Array };

type RetryOptions = { signal?: AbortSignal; maxAttempts?: number };

/** `promise`, or an `aborted` error as soon as `signal` aborts (the promise itself goes on). */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(aborted(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * One request's signal: aborted by `parent` (the caller's stop) or after `ms`. Not
 * `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: Node keeps every composite that fetch
 * observed in the long-lived parent's dependants for the process's life (nodejs/node#55351,
 * #64476), one entry per request, and each timeout timer lives on after its request ended.
 * `done()` (always, in a finally) clears the timer and the parent's listener.
 */
export function requestSignal(
  ms: number,
  parent?: AbortSignal,
): { signal: AbortSignal; timedOut: () => boolean; done: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('the request timed out', 'TimeoutError'));
  }, ms);
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}

function aborted(signal?: AbortSignal): RelayClientError {
  return new RelayClientError('aborted', 'relay call aborted', {
    retryable: false,
    cause: signal?.reason,
  });
}

/**
 * A federation member's client of the relay API v1 (docs/relay.md), typed by `@peg/wire`'s
 * schemas. Authenticates with one BIP340-signed token request, then a bearer token renewed
 * before it expires (and at once when the relay refuses it: a restarted relay without a shared
 * token secret). Posts are idempotent: the message id is derived from the recipients and the
 * envelope bytes, so a retried post is answered as a duplicate, never stored twice.
 */
export class RelayClient {
  readonly #secretKey: Uint8Array;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #backoff: Backoff;
  readonly #renewBeforeMs: number;
  readonly #requestTimeoutMs: number;
  #token: { value: string; expiresAt: number } | undefined;
  #tokenRequest: Promise<string> | undefined;
  readonly origin: string;
  readonly federation: string;
  readonly party: string;

  constructor(opts: RelayClientOptions) {
    const url = new URL(opts.url);
    if (url.pathname !== '/' || url.search !== '' || !/^https?:$/.test(url.protocol)) {
      throw new TypeError(`relay url must be an http(s) origin without a path, got ${opts.url}`);
    }
    PartyId.parse(opts.party);
    if (!(opts.secretKey instanceof Uint8Array) || opts.secretKey.length !== 32) {
      throw new TypeError('relay client secret key must be 32 bytes');
    }
    this.origin = url.origin;
    this.federation = opts.federation;
    this.party = opts.party;
    this.#secretKey = opts.secretKey.slice();
    this.#fetch = opts.fetch ?? fetch;
    this.#now = opts.now ?? Date.now;
    this.#random = opts.random ?? Math.random;
    this.#sleep = opts.sleep ?? defaultSleep;
    this.#backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.#renewBeforeMs = opts.renewBeforeMs ?? 60_000;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  }

  // ---- One HTTP exchange ----

  async #send<T>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    schema: z.ZodType<T>,
    opts: { body?: unknown; auth: 'signed' | 'bearer'; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<T> {
    if (opts.signal?.aborted) throw aborted(opts.signal);
    const body =
      opts.body === undefined ? new Uint8Array() : utf8ToBytes(JSON.stringify(opts.body));
    const authorization =
      opts.auth === 'signed'
        ? signRelayRequest(this.#secretKey, {
            federation: this.federation,
            method,
            pathAndQuery,
            body,
            timestamp: this.#now(),
            party: this.party,
          })
        : `Bearer ${await this.#bearer(opts.signal)}`;
    const request = requestSignal(opts.timeoutMs ?? this.#requestTimeoutMs, opts.signal);
    const route = `${method} ${pathAndQuery.split('?')[0]}`;
    let res: Response;
    let text: string;
    try {
      res = await this.#fetch(`${this.origin}${pathAndQuery}`, {
        method,
        headers: {
          authorization,
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(opts.body === undefined ? {} : { body }),
        signal: request.signal,
      });
      text = await res.text();
    } catch (err) {
      if (opts.signal?.aborted) throw aborted(opts.signal);
      if (request.timedOut()) {
        throw new RelayClientError('timeout', `${route}: no answer from the relay in time`, {
          retryable: true,
          cause: err,
        });
      }
      const detail = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new RelayClientError('network', `${route}: relay unreachable (${detail})`, {
        retryable: true,
        cause: err,
      });
    } finally {
      request.done();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (res.ok) {
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new RelayClientError(
          'bad-response',
          `${route}: the answer is not the relay API's (status ${res.status})`,
          {
            status: res.status,
            retryable: false,
          },
        );
      }
      return parsed.data;
    }
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    const retryAfter = Number(res.headers.get('retry-after'));
    const retryAfterMs =
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
    const err = RelayError.safeParse(json);
    if (!err.success) {
      throw new RelayClientError(
        'bad-response',
        `${route}: HTTP ${res.status} without a relay error body`,
        {
          status: res.status,
          retryable,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
      );
    }
    throw new RelayClientError(
      err.data.error,
      `${route}: ${res.status} ${err.data.error}: ${err.data.message}`,
      {
        status: res.status,
        retryable,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }

  /** A bearer call; a refused token (expired, relay restarted, key reloaded) is renewed once. */
  async #call<T>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    schema: z.ZodType<T>,
    opts: { body?: unknown; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    try {
      return await this.#send(method, pathAndQuery, schema, { ...opts, auth: 'bearer' });
    } catch (err) {
      if (!(err instanceof RelayClientError) || err.status !== 401 || this.#token === undefined)
        throw err;
      this.#token = undefined;
      return await this.#send(method, pathAndQuery, schema, { ...opts, auth: 'bearer' });
    }
  }

  async #bearer(signal?: AbortSignal): Promise<string> {
    const t = this.#token;
    if (t && this.#now() < t.expiresAt - this.#renewBeforeMs) return t.value;
    // One token request at a time; concurrent callers share it. It runs under its own timeout,
    // not a caller's signal: one caller stopping must not fail the others' calls.
    this.#tokenRequest ??= this.#send('POST', '/v1/auth/token', TokenResponse, { auth: 'signed' })
      .then((r) => {
        if (r.party !== this.party) {
          throw new RelayClientError(
            'bad-response',
            `token issued for party ${r.party}, not ${this.party}`,
            { retryable: false },
          );
        }
        this.#token = { value: r.token, expiresAt: r.expiresAt };
        return r.token;
      })
      .finally(() => {
        this.#tokenRequest = undefined;
      });
    return untilAborted(this.#tokenRequest, signal);
  }

  /** Runs `fn` again after retryable errors, with backoff and jitter (Retry-After if longer). */
  async #retrying<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
    const max = opts.maxAttempts ?? Number.POSITIVE_INFINITY;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof RelayClientError) || !err.retryable || attempt + 1 >= max) throw err;
        const delay = Math.max(
          backoffDelay(attempt, this.#backoff, this.#random),
          err.retryAfterMs ?? 0,
        );
        await this.#sleep(delay, opts.signal);
        if (opts.signal?.aborted) throw aborted(opts.signal);
      }
    }
  }

  // ---- The API ----

  /**
   * Posts a sealed envelope; resolves once the relay stored it durably (or had it already:
   * `duplicate`). Retries retryable failures (default: until `signal` aborts); a 4xx rejects.
   */
  async post(
    to: Recipients,
    envelope: Uint8Array,
    opts: RetryOptions = {},
  ): Promise<{ id: MessageId; recipients: string[]; duplicate: boolean }> {
    const recipients = Recipients.parse(to);
    if (
      !(envelope instanceof Uint8Array) ||
      envelope.length === 0 ||
      envelope.length > DEFAULT_LIMITS.maxBytes
    ) {
      throw new TypeError(`envelope must be 1..${DEFAULT_LIMITS.maxBytes} bytes`);
    }
    const id = messageIdFor(recipients, envelope);
    const body = { id, to: recipients, envelope: bytesToHex(envelope) };
    const r = await this.#retrying(
      () =>
        this.#call('POST', '/v1/messages', PostMessageResponse, {
          body,
          ...(opts.signal ? { signal: opts.signal } : {}),
        }),
      opts,
    );
    return { id: r.id, recipients: r.recipients, duplicate: r.duplicate };
  }

  /**
   * One read of this member's inbox: messages after `after` (default: the acknowledged cursor),
   * waiting up to `waitMs` for one to arrive. No retry; see poll().
   */
  async read(
    opts: { after?: number; limit?: number; waitMs?: number; signal?: AbortSignal } = {},
  ): Promise<{
    messages: ReceivedMessage[];
    cursor: number;
    next: number;
  }> {
    const q = new URLSearchParams();
    if (opts.after !== undefined) q.set('after', String(opts.after));
    q.set('limit', String(opts.limit ?? 100));
    q.set('wait', String(opts.waitMs ?? 0));
    const r = await this.#call(
      'GET',
      `/v1/inboxes/${this.party}/messages?${q}`,
      ReadInboxResponse,
      {
        timeoutMs: (opts.waitMs ?? 0) + this.#requestTimeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    return {
      messages: r.messages.map((m) => ({
        seq: m.seq,
        id: m.id,
        from: m.from,
        receivedAt: m.receivedAt,
        envelope: hexToBytes(m.envelope),
        inputId: `${m.from}/${m.id}`,
      })),
      cursor: r.cursor,
      next: r.next,
    };
  }

  /** read() retried through retryable failures with backoff and jitter. */
  poll(opts: { after?: number; limit?: number; waitMs?: number } & RetryOptions = {}) {
    return this.#retrying(() => this.read(opts), opts);
  }

  /** Acknowledges everything up to `cursor`: call only once the resulting state is persisted. */
  async ack(cursor: number, opts: RetryOptions = {}): Promise<number> {
    const r = await this.#retrying(
      () =>
        this.#call('POST', `/v1/inboxes/${this.party}/ack`, AckResponse, {
          body: { cursor },
          ...(opts.signal ? { signal: opts.signal } : {}),
        }),
      opts,
    );
    return r.cursor;
  }

  /** The inbox's acknowledged cursor and depth. */
  status(opts: RetryOptions = {}): Promise<InboxStatus> {
    return this.#retrying(
      () =>
        this.#call(
          'GET',
          `/v1/inboxes/${this.party}`,
          InboxStatus,
          opts.signal ? { signal: opts.signal } : {},
        ),
      opts,
    );
  }

  /**
   * Every party's current key announcement as the relay holds it (chain-membership mode; a
   * relay with a static members file answers 404). The envelopes are exactly the bytes the
   * parties posted: the relay is not trusted with them, so feed each to
   * `KeyDirectory.applyAnnouncement`, which verifies it against the registered key.
   */
  async announcements(opts: RetryOptions = {}): Promise<RelayAnnouncement[]> {
    const r = await this.#retrying(
      () =>
        this.#call(
          'GET',
          '/v1/announcements',
          AnnouncementsResponse,
          opts.signal ? { signal: opts.signal } : {},
        ),
      opts,
    );
    return r.announcements.map((a) => ({
      party: a.party,
      sequence: a.sequence,
      envelope: hexToBytes(a.envelope),
    }));
  }

  /**
   * Consumes the inbox until `signal` aborts: long-polls, hands each message to `handle` in
   * order, and acknowledges a message only after `handle` resolved (its resulting state is
   * persisted). At-least-once: after a crash, messages handled but not acknowledged come again
   * (skip them by `inputId`). If `handle` throws, the messages handled before are acknowledged
   * and the error rejects consume(). Relay failures are retried with backoff; a 4xx rejects.
   */
  async consume(
    handle: (m: ReceivedMessage) => Promise<void>,
    opts: { signal: AbortSignal; waitMs?: number; limit?: number },
  ): Promise<void> {
    const waitMs = opts.waitMs ?? 25_000;
    let after: number | undefined;
    let quickEmpty = 0;
    while (!opts.signal.aborted) {
      const started = this.#now();
      let batch: Awaited<ReturnType<RelayClient['read']>>;
      try {
        batch = await this.poll({
          ...(after === undefined ? {} : { after }),
          ...(opts.limit === undefined ? {} : { limit: opts.limit }),
          waitMs,
          signal: opts.signal,
        });
      } catch (err) {
        if (opts.signal.aborted) return;
        throw err;
      }
      let handled: number | undefined;
      try {
        for (const m of batch.messages) {
          await handle(m);
          handled = m.seq;
        }
      } finally {
        if (handled !== undefined) {
          // Stopping still acknowledges what was handled, with one attempt that the stop
          // signal does not cut. A lost ack only means redelivery (handled inputs are skipped
          // by id), so a failed one never masks the handler's own error.
          const stopping = opts.signal.aborted;
          await this.ack(handled, stopping ? { maxAttempts: 1 } : { signal: opts.signal }).catch(
            (err) => {
              if (
                !stopping &&
                !opts.signal.aborted &&
                !(err instanceof RelayClientError && err.retryable)
              )
                throw err;
            },
          );
        }
      }
      after = batch.next;
      // An empty answer long before the wait ended (a relay shutting down wakes its polls):
      // back off instead of spinning.
      if (batch.messages.length === 0 && this.#now() - started < waitMs / 2) {
        await this.#sleep(backoffDelay(quickEmpty++, this.#backoff, this.#random), opts.signal);
      } else {
        quickEmpty = 0;
      }
    }
  }
}
