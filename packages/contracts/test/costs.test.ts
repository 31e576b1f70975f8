import { initSimnet } from '@stacks/clarinet-sdk';
import { Cl } from '@stacks/transactions';
import { beforeAll, describe, expect, it } from 'vitest';
import { manifestPath } from '../src/index.ts';
import {
  burnHeader,
  call,
  mint,
  P2WPKH_RECIPIENT,
  silencePrintEcho,
  WITHDRAWAL,
} from './helpers.ts';

beforeAll(silencePrintEcho);

// A sweep pays at most what its OP_RETURN can name (~75 ids); one complete-withdrawals call for
// such a batch must fit well inside a Stacks block's execution budget.
describe('complete-withdrawals execution cost', () => {
  it('80 accepted requests use under a quarter of each block limit', async () => {
    const simnet = await initSimnet(manifestPath, false, {
      trackCosts: true,
      trackCoverage: false,
    });
    const user = simnet.getAccounts().get('wallet_1')!;
    const n = 80;
    mint(simnet, 1_000_000n, user);
    for (let i = 0; i < n; i++) {
      const r = call(
        simnet,
        WITHDRAWAL,
        'initiate-withdrawal-request',
        [Cl.uint(1000), P2WPKH_RECIPIENT, Cl.uint(100)],
        user,
      );
      expect(r.result.type).toBe('ok');
    }
    simnet.mineEmptyBlock();
    const height = simnet.burnBlockHeight - 1;
    const hash = burnHeader(simnet, height);
    const entries = Array.from({ length: n }, (_, i) =>
      Cl.tuple({
        'request-id': Cl.uint(i + 1),
        status: Cl.bool(true),
        'signer-bitmap': Cl.uint(7),
        'bitcoin-txid': Cl.some(Cl.bufferFromHex('ab'.repeat(32))),
        'output-index': Cl.some(Cl.uint(i + 2)),
        fee: Cl.some(Cl.uint(50)),
        'burn-hash': Cl.bufferFromHex(hash),
        'burn-height': Cl.uint(height),
        'sweep-txid': Cl.some(Cl.bufferFromHex('ab'.repeat(32))),
      }),
    );
    // the deployer is still the signer principal (no rotation here)
    const r = call(simnet, WITHDRAWAL, 'complete-withdrawals', [Cl.list(entries)], simnet.deployer);
    expect(r.result).toEqual(Cl.ok(Cl.uint(n)));
    const costs = r.costs;
    if (!costs) throw new Error('costs not tracked');
    for (const dimension of [
      'runtime',
      'readCount',
      'readLength',
      'writeCount',
      'writeLength',
    ] as const) {
      expect(costs.total[dimension], dimension).toBeLessThan(costs.limit[dimension] / 4);
    }
  });
});
