/** An event as a client receives it (`id` is the last id seen, as the SSE spec keeps it). */
export type ReceivedEvent = { id: string | undefined; event: string; data: string };

/**
 * An incremental text/event-stream parser (WHATWG HTML "Server-sent events", 9.2.6): feed it
 * chunks of text, get the complete events so far. Comments (heartbeats) and `retry:` are
 * skipped; multi-line `data:` is joined with newlines.
 */
export class EventStreamParser {
  private buffer = '';
  private lastId: string | undefined;
  private event = '';
  private data: string[] = [];

  push(chunk: string): ReceivedEvent[] {
    this.buffer += chunk;
    const out: ReceivedEvent[] = [];
    let nl = this.buffer.search(/\r\n|\r|\n/);
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (this.buffer[nl] === '\r' && width === 1 && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + width);
      const e = this.line(line);
      if (e) out.push(e);
      nl = this.buffer.search(/\r\n|\r|\n/);
    }
    return out;
  }

  private line(line: string): ReceivedEvent | undefined {
    if (line === '') {
      const e =
        this.data.length > 0
          ? { id: this.lastId, event: this.event || 'message', data: this.data.join('\n') }
          : undefined;
      this.event = '';
      this.data = [];
      return e;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }
}

export type ReadEventStreamOptions = {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Resume after this event (`Last-Event-ID`). */
  lastEventId?: string;
  signal?: AbortSignal;
};

/**
 * Reads a server-sent event stream over HTTP (fetch), yielding events as they arrive; ends
 * when the server ends the stream or `signal` aborts. A non-200 answer throws with its status.
 */
export async function* readEventStream(
  url: string,
  opts: ReadEventStreamOptions = {},
): AsyncGenerator<ReceivedEvent> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
  const res = await fetch(url, { headers, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel();
    throw new Error(`event stream ${url}: HTTP ${res.status}`);
  }
  const parser = new EventStreamParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
