import { hex } from './helpers.ts';

/** A small seeded PRNG (mulberry32) so that crash points are reproducible from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The envelope of message `id`: derived from the id, so a retry sends the same bytes. */
export const envelopeOf = (id: string): string => hex(`envelope of ${id} `.padEnd(64, '.'));

export type LoadResult = { acked: Set<string>; inDoubt: Set<string> };

export async function postOnce(url: string, token: string, id: string): Promise<number> {
  const res = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, to: 'all', envelope: envelopeOf(id) }),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Posts from `workers` concurrent clients until `until` resolves, the relay stops answering, or
 * `maxPerWorker` posts each (bounded). A 200 is an acknowledgement; anything else leaves the
 * message in doubt (it may or may not have been stored).
 */
export async function runLoad(opts: {
  urls: string[];
  token: string;
  prefix: string;
  workers: number;
  maxPerWorker: number;
  until: Promise<void>;
}): Promise<LoadResult> {
  const acked = new Set<string>();
  const inDoubt = new Set<string>();
  let stopped = false;
  void opts.until.then(() => {
    stopped = true;
  });
  await Promise.all(
    Array.from({ length: opts.workers }, async (_, w) => {
      let failures = 0;
      for (let n = 0; n < opts.maxPerWorker && !stopped && failures < 20; n++) {
        const id = `${opts.prefix}-w${w}-${n}`;
        const url = opts.urls[n % opts.urls.length] as string;
        try {
          const status = await postOnce(url, opts.token, id);
          if (status === 200) acked.add(id);
          else {
            inDoubt.add(id);
            failures++;
          }
        } catch {
          inDoubt.add(id);
          failures++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  );
  return { acked, inDoubt };
}

export async function getToken(
  url: string,
  sign: (method: string, path: string) => string,
): Promise<string> {
  const res = await fetch(`${url}/v1/auth/token`, {
    method: 'POST',
    headers: { authorization: sign('POST', '/v1/auth/token') },
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Every message of an inbox from the start, paging with `next`. */
export async function readAll(
  url: string,
  token: string,
  inbox: string,
): Promise<{ id: string; envelope: string; seq: number }[]> {
  const out: { id: string; envelope: string; seq: number }[] = [];
  let after = 0;
  let retries = 0;
  for (let page = 0; page < 10_000; page++) {
    const res = await fetch(`${url}/v1/inboxes/${inbox}/messages?after=${after}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status === 503 && retries++ < 40) {
      // The store may be electing a new leader (cluster node lost): reads are safe to repeat.
      await new Promise((r) => setTimeout(r, 250));
      page--;
      continue;
    }
    if (res.status !== 200) throw new Error(`read: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as {
      messages: { id: string; envelope: string; seq: number }[];
      next: number;
    };
    if (body.messages.length === 0) return out;
    out.push(...body.messages);
    after = body.next;
  }
  throw new Error('readAll: too many pages');
}

/** Checks an inbox against what clients were told: every acked id once, nothing twice. */
export function checkInbox(
  messages: { id: string; envelope: string }[],
  acked: Set<string>,
  inDoubt: Set<string>,
): { lost: string[]; duplicated: string[]; unexpected: string[]; corrupted: string[] } {
  const counts = new Map<string, number>();
  const corrupted: string[] = [];
  for (const m of messages) {
    counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
    if (m.envelope !== envelopeOf(m.id)) corrupted.push(m.id);
  }
  return {
    lost: [...acked].filter((id) => !counts.has(id)),
    duplicated: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
    unexpected: [...counts.keys()].filter((id) => !acked.has(id) && !inDoubt.has(id)),
    corrupted,
  };
}
