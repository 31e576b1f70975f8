// Peg-outs through crashes, as real processes over loopback (5 operators, weights 1, 1, 2, 3, 3;
// 7 of 10 key ids). Every coordinator runs with the test hook that kills it with SIGKILL the
// first time it reaches each step boundary of the pipeline (before and after signing, after
// broadcasting, before proposing the completion, after sending it, after it is mined); the test
// restarts whatever died, on the same data. Then a signer is killed while a sweep is being
// signed. Every request must be paid exactly once on Bitcoin and completed on Stacks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSweep } from '@peg/bitcoin';
import { CRASH_POINTS as ALL_POINTS, CRASH_ENV } from '@peg/coordinator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Federation,
  publishedKey,
  startEveryProcess,
  startFederation,
} from './harness/federation.ts';
import {
  type PegOutScene,
  preparePegOuts,
  recipientAddress,
  requestWithdrawals,
  sweepsOnChain,
  waitAccepted,
} from './harness/peg-out.ts';

// Every boundary of paying a request (no request here is rejected: `before-reject` is not reached).
const CRASH_POINTS = ALL_POINTS.filter((p) => p !== 'before-reject');

describe('peg-outs through kill -9', () => {
  let fed: Federation;
  let scene: PegOutScene;
  let stopMining = () => {};
  let watchdog: ReturnType<typeof setInterval> | undefined;
  const restarts: string[] = [];

  beforeAll(async () => {
    fed = await startFederation({ weights: [1, 1, 2, 3, 3] });
    fed.env[CRASH_ENV] = CRASH_POINTS.join(',');
    startEveryProcess(fed);
  });

  afterAll(async () => {
    stopMining();
    clearInterval(watchdog);
    await fed?.stop();
  });

  const paid: bigint[] = [];

  it('coordinators killed at every step boundary: every request paid once and completed', async () => {
    const data = await publishedKey(fed, 5, 240_000);
    scene = await preparePegOuts(fed, data.aggregatePubkey, data.signerPrincipal, {
      btc: [0.5, 0.5],
    });
    // Whatever died is started again on the same data, as a supervisor would.
    watchdog = setInterval(() => {
      for (const op of fed.operators) {
        if (op.coordinator && !op.coordinator.alive) {
          restarts.push(`coordinator-${op.index}`);
          fed.startCoordinator(op);
        }
      }
    }, 250);
    stopMining = fed.mineEvery(3_000);
    for (let wave = 0; wave < 5; wave++) {
      const ids = await requestWithdrawals(
        fed,
        [0, 1, 2].map((requester) => ({
          requester,
          amount: 20_000n + BigInt(wave * 3 + requester),
          maxFee: 20_000n,
          recipient: recipientAddress(wave * 3 + requester + 1),
        })),
      );
      await waitAccepted(fed, ids, 300_000);
      paid.push(...ids);
    }
    // Each crash point was reached and crashed some coordinator, which was restarted.
    const crashed = CRASH_POINTS.map(
      (point) =>
        fed.operators.filter((op) =>
          existsSync(join(op.dir, 'coordinator-data', `crashed-${point}`)),
        ).length,
    );
    expect(
      crashed.every((n) => n >= 1),
      `crashes per point ${crashed.join(', ')}`,
    ).toBe(true);
    expect(restarts.length).toBeGreaterThanOrEqual(CRASH_POINTS.length);
  });

  it('a signer killed while a sweep is signed: paid anyway (the threshold holds without it)', async () => {
    const victim = fed.operators[0]!; // weight 1: the others hold 9 of 10 key ids
    const from = fed.operators.map((op) => op.coordinator?.lines.length ?? 0);
    const ids = await requestWithdrawals(fed, [
      { requester: 0, amount: 33_000n, maxFee: 20_000n, recipient: recipientAddress(40) },
    ]);
    // Killed as soon as any coordinator starts signing the sweep.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        const signing = fed.operators.some((op, i) =>
          op.coordinator?.lines.slice(from[i]).some((l) => l.msg === 'signing a sweep'),
        );
        if (signing) {
          clearInterval(t);
          void victim.signer!.kill9().then(() => resolve());
        }
      }, 20);
    });
    await waitAccepted(fed, ids, 240_000);
    paid.push(...ids);
    fed.startSigner(victim);
  });

  it('never twice: each request is named by exactly one mined sweep, none in the mempool', async () => {
    const { confirmed, mempool } = await sweepsOnChain(scene);
    const times = new Map<bigint, number>();
    for (const s of confirmed) for (const id of s.ids) times.set(id, (times.get(id) ?? 0) + 1);
    for (const id of paid) expect(times.get(id), `request ${id}`).toBe(1);
    expect(mempool.flatMap((s) => s.ids)).toEqual([]);
    // Stacks records the sweep that paid each, and that sweep pays its amount at its index.
    for (const id of paid) {
      const where = await fed.stacks.getWithdrawalSweep(id);
      const sweep = confirmed.find((s) => s.txid === where?.sweepTxid)!;
      expect(sweep, `request ${id}`).toBeDefined();
      const request = await fed.stacks.getWithdrawalRequest(id);
      const out = readSweep(sweep.hex).withdrawals.find((w) => w.requestId === id)!;
      expect(out.amount).toBe(request!.amount);
    }
  });
});
