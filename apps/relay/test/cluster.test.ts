import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex, tempDir } from './helpers.ts';
import { checkInbox, getToken, postOnce, prng, readAll, runLoad } from './load.ts';
import { type NatsCluster, startNats } from './nats-server.ts';
import { type RelayProcess, signer, startRelay, writeMembers } from './relay-process.ts';

// Several relay processes serving one federation through JetStream, and a 3-node JetStream
// cluster losing a node under load.

const SEED = Number(process.env.PEG_CRASH_SEED ?? 20_261_121);

describe('JetStream: several relays, a 3-node cluster', () => {
  const dir = tempDir('peg-cluster-');
  let cluster: NatsCluster | undefined;
  const relays: RelayProcess[] = [];
  beforeAll(async () => {
    cluster = await startNats(3);
  }, 60_000);
  afterAll(async () => {
    for (const r of relays) await r.stop();
    await cluster?.stop();
    dir.cleanup();
  });

  it('two relay processes on one stream: posted to one, read (long-poll) and acked on the other', async () => {
    if (!cluster) throw new Error('no cluster');
    const members = writeMembers(dir.dir);
    const store = cluster.urls.map((u) => `nats://${u}`).join(',');
    const args = ['--members', members, '--store', store, '--replicas', '3'];
    const a = await startRelay(args);
    relays.push(a);
    const b = await startRelay(args);
    relays.push(b);
    // Tokens are accepted by both (shared --token-secret).
    const tokenA1 = await getToken(a.url, signer(1));
    const tokenB2 = await getToken(b.url, signer(2));
    const before = await fetch(`${b.url}/v1/inboxes/2`, {
      headers: { authorization: `Bearer ${tokenB2}` },
    });
    const { cursor } = (await before.json()) as { cursor: number };
    const waiting = fetch(`${b.url}/v1/inboxes/2/messages?after=${cursor}&wait=20000`, {
      headers: { authorization: `Bearer ${tokenB2}` },
    });
    await new Promise((r) => setTimeout(r, 200));
    const posted = await fetch(`${a.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA1}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'across', to: ['2'], envelope: hex('from A to B') }),
    });
    expect(posted.status).toBe(200);
    const got = (await (await waiting).json()) as {
      messages: { id: string; envelope: string; from: string }[];
      next: number;
    };
    expect(
      got.messages.map((m) => [m.id, m.from, Buffer.from(m.envelope, 'hex').toString()]),
    ).toEqual([['across', '1', 'from A to B']]);
    const ack = await fetch(`${b.url}/v1/inboxes/2/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenB2}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cursor: got.next }),
    });
    expect(ack.status).toBe(200);
    const tokenA2 = await getToken(a.url, signer(2));
    const status = await fetch(`${a.url}/v1/inboxes/2`, {
      headers: { authorization: `Bearer ${tokenA2}` },
    });
    expect(((await status.json()) as { cursor: number }).cursor).toBe(got.next);
    // Idempotency holds across relays: the same post through B is a duplicate.
    const dup = await fetch(`${b.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA1}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'across', to: ['2'], envelope: hex('from A to B') }),
    });
    expect(((await dup.json()) as { duplicate: boolean }).duplicate).toBe(true);
  }, 90_000);

  it('a cluster node killed under load loses no acknowledged message', async () => {
    if (!cluster || relays.length < 2) throw new Error('needs the relays of the previous test');
    const [a, b] = relays as [RelayProcess, RelayProcess];
    const rand = prng(SEED);
    const token = await getToken(a.url, signer(1));
    const victim = cluster.nodes[Math.floor(rand() * 3)];
    if (!victim) throw new Error('victim');
    const killAt = 300 + Math.floor(rand() * 700);
    const killed = new Promise<void>((r) => setTimeout(r, killAt)).then(() => victim.kill());
    // Load through both relays; keep going for a while after the kill (leader re-election).
    const stopAt = killed.then(() => new Promise<void>((r) => setTimeout(r, 2500)));
    const result = await runLoad({
      urls: [a.url, b.url],
      token,
      prefix: 'cluster',
      workers: 8,
      maxPerWorker: 400,
      until: stopAt,
    });
    await killed;
    // In-doubt posts may be retried (idempotent); give the cluster time to settle first.
    for (const id of result.inDoubt) {
      let status = 0;
      for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
        status = await postOnce(a.url, token, id).catch(() => 0);
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    }
    for (const party of [2, 3]) {
      const t = await getToken(b.url, signer(party));
      const messages = (await readAll(b.url, t, String(party))).filter((m) =>
        m.id.startsWith('cluster-'),
      );
      const report = checkInbox(messages, result.acked, result.inDoubt);
      expect(report, `seed ${SEED}, killed ${victim.name} at ${killAt} ms`).toEqual({
        lost: [],
        duplicated: [],
        unexpected: [],
        corrupted: [],
      });
    }
    expect(result.acked.size).toBeGreaterThan(0);
    console.log(
      `cluster: killed ${victim.name} at ${killAt} ms; ${result.acked.size} acknowledged, ${result.inDoubt.size} in doubt (retried), 0 lost`,
    );
  }, 120_000);
});
