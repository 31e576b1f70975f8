import { createBitcoinRpc } from '@peg/bitcoin';
import { type Devnet, startDevnet } from '@peg/devnet';
import { createStacksClient, type StacksClient, setSignerWeightCall } from '@peg/stacks-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BitcoinTip, readBitcoinTip, watchBitcoinTip } from '../src/chain/bitcoin-tip.ts';
import { pollForChanges } from '../src/chain/poll.ts';
import { type StacksView, watchStacks } from '../src/chain/stacks-view.ts';

// The published Clarinet devnet deployer key and wallet_1 address (public test values that hold
// nothing anywhere; the same as apps/devnet/test/stacks-keys.ts).
const DEPLOYER_KEY = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a601';
const WALLET_1 = 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5';

/** Resolves once `values` holds an entry matching `pred` (checked every 20 ms, 10 s at most). */
async function eventually<T>(values: T[], pred: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = values.find(pred);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not seen in time; got ${JSON.stringify(values)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pollForChanges', () => {
  it('reports the first value and changes only, keeps the last value through failed reads', async () => {
    const stop = new AbortController();
    const script: (number | Error)[] = [1, 1, new Error('down'), new Error('down'), 1, 2, 2, 3];
    const seen: number[] = [];
    const reads: number[] = [];
    const errors: string[] = [];
    const sleeps: number[] = [];
    await pollForChanges<number>({
      read: async () => {
        const next = script.shift();
        if (next === undefined) {
          stop.abort();
          return 3;
        }
        if (next instanceof Error) throw next;
        return next;
      },
      same: (a, b) => a === b,
      onChange: (v) => void seen.push(v),
      onRead: (v) => void reads.push(v),
      onError: (e) => void errors.push((e as Error).message),
      intervalMs: 1_000,
      backoff: { initialMs: 100, maxMs: 10_000 },
      random: () => 0,
      sleep: async (ms) => void sleeps.push(ms),
      signal: stop.signal,
    });
    expect(seen).toEqual([1, 2, 3]);
    // Every successful read, unchanged ones too (a standing chain still answers).
    expect(reads).toEqual([1, 1, 1, 2, 2, 3]);
    expect(errors).toEqual(['down', 'down']);
    // Interval after each read; the backoff (50, 100) after each failure.
    expect(sleeps).toEqual([1_000, 1_000, 50, 100, 1_000, 1_000, 1_000, 1_000]);
  });
});

describe('chain views against the devnet', () => {
  let devnet: Devnet;
  let stacks: StacksClient;
  let rpc: ReturnType<typeof createBitcoinRpc>;
  beforeAll(async () => {
    devnet = await startDevnet(); // in memory, on 127.0.0.1 port 0, mining on demand
    stacks = createStacksClient({
      nodeUrl: devnet.stacksUrl,
      network: 'devnet',
      contracts: { address: devnet.deployer },
    });
    rpc = createBitcoinRpc(devnet.bitcoin);
  }, 120_000);
  afterAll(async () => {
    await devnet?.stop();
  });

  it('follows the Bitcoin tip through getbestblockhash', async () => {
    const stop = new AbortController();
    const tips: BitcoinTip[] = [];
    const watching = watchBitcoinTip(rpc, {
      intervalMs: 25,
      onTip: (t) => void tips.push(t),
      signal: stop.signal,
    });
    const first = await eventually(tips, () => true);
    expect(first).toEqual(await readBitcoinTip(rpc));
    devnet.mine(2);
    const later = await eventually(tips, (t) => t.height === first.height + 2);
    expect(later.hash).toBe(await rpc.getBestBlockHash());
    stop.abort();
    await watching;
    // Each tip once, heights increasing.
    expect(new Set(tips.map((t) => t.hash)).size).toBe(tips.length);
    expect(tips.map((t) => t.height)).toEqual([...tips.map((t) => t.height)].sort((a, b) => a - b));
  });

  it('follows the Stacks tip and re-reads the registry: a new candidate weight is seen', async () => {
    const stop = new AbortController();
    const views: StacksView[] = [];
    const watching = watchStacks(stacks, {
      intervalMs: 25,
      onView: (v) => void views.push(v),
      signal: stop.signal,
    });
    const first = await eventually(views, () => true);
    expect(first.aggregateKey).toBe('00');
    expect(first.signerPrincipal).toContain(devnet.deployer);
    expect(first.candidates.find((c) => c.signer === WALLET_1)).toBeUndefined();

    const { possibleNextNonce } = await stacks.getNonces(devnet.deployer);
    await stacks.broadcast(
      await stacks.buildCall(setSignerWeightCall(WALLET_1, 3n), {
        senderKey: DEPLOYER_KEY,
        nonce: possibleNextNonce,
        fee: 5_000n,
      }),
    );
    devnet.mine(1);
    const after = await eventually(views, (v) => v.candidates.some((c) => c.signer === WALLET_1));
    expect(after.candidates.find((c) => c.signer === WALLET_1)).toEqual({
      signer: WALLET_1,
      weight: 3n,
      publicKey: undefined,
    });
    expect(after.stacksHeight).toBeGreaterThan(first.stacksHeight);
    expect(after.burnHeight).toBeGreaterThan(first.burnHeight);
    stop.abort();
    await watching;
  });
});
