import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';
import { checkInbox, getToken, postOnce, prng, readAll, runLoad } from './load.ts';
import { type NatsCluster, startNats } from './nats-server.ts';
import { type RelayProcess, signer, startRelay, writeMembers } from './relay-process.ts';

// Crash tests: kill -9 the relay process at random moments under concurrent load, restart it,
// and compare the stored inboxes with what the clients were acknowledged. Bounded: a few rounds,
// at most maxPerWorker posts per worker per round.

const SEED = Number(process.env.PEG_CRASH_SEED ?? 20_261_121);
const ROUNDS = 3;
const WORKERS = 8;

async function crashRounds(
  args: string[],
  label: string,
  env: Record<string, string> = {},
): Promise<void> {
  const rand = prng(SEED + label.length);
  const acked = new Set<string>();
  const inDoubt = new Set<string>();
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  let relay: RelayProcess | undefined;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      relay = await startRelay(args, env);
      const token = await getToken(relay.url, signer(1));
      const r = relay;
      const killAt = 300 + Math.floor(rand() * 1200);
      const killed = sleep(killAt).then(() => r.kill());
      const result = await runLoad({
        urls: [relay.url],
        token,
        prefix: `${label}-r${round}`,
        workers: WORKERS,
        maxPerWorker: 3000,
        until: killed,
      });
      await killed;
      for (const id of result.acked) acked.add(id);
      for (const id of result.inDoubt) inDoubt.add(id);
    }
    relay = await startRelay(args, env);
    const token1 = await getToken(relay.url, signer(1));
    // Retrying what was in doubt is allowed by the idempotency contract: it must succeed and
    // must not create a second copy.
    for (const id of inDoubt) expect(await postOnce(relay.url, token1, id)).toBe(200);
    for (const party of [2, 3]) {
      const token = await getToken(relay.url, signer(party));
      const messages = await readAll(relay.url, token, String(party));
      const report = checkInbox(messages, acked, inDoubt);
      expect(report, `seed ${SEED}, inbox ${party}`).toEqual({
        lost: [],
        duplicated: [],
        unexpected: [],
        corrupted: [],
      });
      expect(messages.length).toBe(new Set([...acked, ...inDoubt]).size);
    }
    expect(acked.size).toBeGreaterThan(0);
    console.log(
      `${label}: ${ROUNDS} kill -9 rounds, ${acked.size} acknowledged, ${inDoubt.size} in doubt (retried), 0 lost`,
    );
  } finally {
    await relay?.stop();
  }
}

describe('crash safety (kill -9 under load)', () => {
  const dir = tempDir('peg-crash-');
  let nats: NatsCluster | undefined;
  beforeAll(async () => {
    nats = await startNats(1);
  });
  afterAll(async () => {
    await nats?.stop();
    dir.cleanup();
  });

  it('SQLite: no acknowledged message lost or duplicated', async () => {
    const members = writeMembers(dir.dir);
    await crashRounds(
      ['--members', members, '--store', `sqlite:${dir.dir}/crash.sqlite`],
      'sqlite',
    );
  }, 120_000);

  it('JetStream: no acknowledged message lost or duplicated', async () => {
    const members = writeMembers(dir.dir);
    await crashRounds(['--members', members, '--store', `nats://${nats?.urls[0]}`], 'jetstream');
  }, 120_000);
});
