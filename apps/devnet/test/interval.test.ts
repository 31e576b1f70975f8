import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startDevnet } from '../src/devnet.ts';

const manifestPath = new URL('./fixtures/clarity/Clarinet.toml', import.meta.url).pathname;

describe('block interval', () => {
  it('mines on its own every interval, and stops mining when stopped', {
    timeout: 120_000,
  }, async () => {
    const devnet = await startDevnet({ manifestPath, blockIntervalMs: 50 });
    const start = devnet.chains.ledger.height;
    try {
      for (let i = 0; i < 200 && devnet.chains.ledger.height < start + 3; i++) await sleep(25);
      expect(devnet.chains.ledger.height).toBeGreaterThanOrEqual(start + 3);
    } finally {
      await devnet.stop();
    }
    const stopped = devnet.chains.ledger.height;
    await sleep(200);
    expect(devnet.chains.ledger.height).toBe(stopped);
    // Burn heights stayed in step with the simnet the whole time.
    expect(devnet.chains.chain.simnet.burnBlockHeight).toBe(stopped);
  });
});
