import { initSimnet } from '@stacks/clarinet-sdk';
import { describe, expect, it } from 'vitest';
import { startDevnet } from '../src/devnet.ts';

const manifestPath = new URL('./fixtures/clarity/Clarinet.toml', import.meta.url).pathname;

describe('two devnets in one process', () => {
  it('keep separate chains', { timeout: 120_000 }, async () => {
    const a = await startDevnet({ manifestPath });
    const b = await startDevnet({ manifestPath });
    try {
      const heightB = b.chains.ledger.height;
      a.mine(3);
      expect(a.chains.chain.simnet.burnBlockHeight).toBe(a.chains.ledger.height);
      expect(b.chains.ledger.height).toBe(heightB);
      expect(b.chains.chain.simnet.burnBlockHeight).toBe(heightB);
      b.mine(1);
      expect(a.chains.ledger.height).toBe(heightB + 3);
      expect(b.chains.ledger.height).toBe(heightB + 1);
      // Another simnet user in the same process (initSimnet's memoized instance) leaves both alone.
      const other = await initSimnet(manifestPath);
      other.mineEmptyBurnBlocks(5);
      expect(a.chains.chain.simnet.burnBlockHeight).toBe(a.chains.ledger.height);
      expect(b.chains.chain.simnet.burnBlockHeight).toBe(b.chains.ledger.height);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
