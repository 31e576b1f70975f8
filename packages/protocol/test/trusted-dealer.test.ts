import { bytesToHex } from '@noble/hashes/utils.js';
import { G, scalarAdd, scalarSub } from '@peg/frost';
import { describe, expect, it } from 'vitest';
import { seededBytes } from '../src/sim/random.ts';
import { dealKeys } from '../src/sim/trusted-dealer.ts';
import { expectValidSignatures, withSim } from './helpers/sim.ts';

describe('trusted-dealer keys (bench set-ups)', () => {
  it('every key id share matches its verifying share and the group key is the polynomial at 0', () => {
    const layout = {
      parties: [
        { id: 1, keyIds: [1, 2] },
        { id: 2, keyIds: [3] },
      ],
      threshold: 2,
    };
    const { pub, keyShares } = dealKeys(layout, seededBytes(1, 'dealer-test'));
    for (const k of ['1', '2', '3'])
      expect(pub.verifyingShares[k]).toBe(
        bytesToHex(G.multiply(BigInt(`0x${keyShares[k]}`)).toBytes(true)),
      );
    // Two shares determine the degree-1 polynomial: f(0) = 2·f(1) - f(2).
    const [x1, x2] = [BigInt(`0x${keyShares['1']}`), BigInt(`0x${keyShares['2']}`)];
    const secret = scalarSub(scalarAdd(x1, x1), x2);
    expect(pub.groupKey).toBe(bytesToHex(G.multiply(secret).toBytes(true)));
  });

  it('a simulation started from dealer keys signs (the nodes restart from the installed state)', () => {
    withSim({ seed: 5, weights: [1, 1, 2, 1], threshold: 3 }, (sim) => {
      const { groupKey } = sim.installDealerKeys();
      for (const node of sim.nodes.values())
        expect(node.store.load()?.state).toEqual(JSON.parse(JSON.stringify(node.state)));
      const r = sim.sign([1], 2);
      expectValidSignatures(r, groupKey);
      expect(sim.nonceReuse()).toEqual([]);
    });
  });
});
