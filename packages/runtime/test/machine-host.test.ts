// The machine host: a 3-party federation (signers and the first-in-line coordinator as hosts in
// this process) over a real relay on loopback and SQLite stores: DKG, then signing; then every
// signer's host is dropped and rebuilt on the same store mid-stream, and signing goes on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type CoordinatorInput,
  type CoordinatorReport,
  type CoordinatorState,
  coordinatorOrder,
  coordinatorStep,
  DEFAULT_TIMEOUTS,
  type FederationConfig,
  initialCoordinatorState,
  initialSignerState,
  outputKey,
  type SignerInput,
  type SignerReport,
  type SignerState,
  signerStep,
} from '@peg/protocol';
import { toyPolicy, toySighashes } from '@peg/protocol/testing';
import { parseMembership } from '@peg/relay';
import { open } from '@peg/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineHost } from '../src/node/machine-host.ts';
import { inboxOf, recipientsOf } from '../src/node/relay-address.ts';
import { RelayClientError } from '../src/relay/errors.ts';
import { RelayClient } from '../src/relay/relay-client.ts';
import { StateStore } from '../src/store/state-store.ts';
import { FEDERATION, startRelay, type TestRelay, testKey } from './relay-harness.ts';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const TIP = { hash: 'ab'.repeat(32), height: 100 };
const stateKey = new Uint8Array(32).fill(9);

describe('MachineHost over a real relay', () => {
  let dir: string;
  let relay: TestRelay;
  const parties = [1, 2, 3].map((id) => ({
    id,
    keyIds: [id],
    publicKey: bytesToHex(schnorr.getPublicKey(testKey(id))),
  }));
  const federation: FederationConfig = {
    network: 'regtest',
    parties,
    threshold: 2,
    dkgThreshold: 3,
    timeouts: { ...DEFAULT_TIMEOUTS },
  };
  const active = coordinatorOrder(TIP.hash, parties)[0]!;
  const keys = new Map(parties.map((p) => [p.id, hexToBytes(p.publicKey)]));
  const signerReports: SignerReport[] = [];
  const coordinatorReports: CoordinatorReport[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: hosts of both machines, stopped alike
  const hosts: MachineHost<any, any, any>[] = [];

  function client(role: 'signer' | 'coordinator', id: number) {
    return new RelayClient({
      url: relay.url,
      federation: FEDERATION,
      party: inboxOf(role, id),
      secretKey: testKey(id),
    });
  }

  function signerHost(id: number) {
    const store = StateStore.open(join(dir, `s${id}.sqlite`), { stateKey });
    const host = new MachineHost<SignerState, SignerInput, SignerReport>({
      step: signerStep,
      initial: () => initialSignerState({ id, federation }),
      store,
      relay: client('signer', id),
      partyId: id,
      messagingKey: () => testKey(id),
      open: (b) => open(b, keys),
      chainTip: () => TIP,
      onReport: (r) => void signerReports.push(r),
      policy: { decide: toyPolicy },
      logger: quiet,
      waitMs: 2000,
    });
    return { host, store };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peg-host-'));
    const members = parseMembership({
      federation: FEDERATION,
      members: [
        ...parties.map((p) => ({ id: String(p.id), key: p.publicKey })),
        { id: `${active}-coordinator`, key: parties[active - 1]!.publicKey, party: String(active) },
      ],
    });
    relay = await startRelay(dir, 0, { members });
  });

  afterAll(async () => {
    for (const h of hosts) await h.stop();
    await relay?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a DKG and signs; signers restarted on their stores keep signing', async () => {
    const signers = parties.map((p) => signerHost(p.id));
    const cstore = StateStore.open(join(dir, 'c.sqlite'), { stateKey });
    const coordinator = new MachineHost<CoordinatorState, CoordinatorInput, CoordinatorReport>({
      step: coordinatorStep,
      initial: () =>
        initialCoordinatorState({ id: active, federation, maxDkgAttempts: 3, maxNonceTimeouts: 3 }),
      store: cstore,
      relay: client('coordinator', active),
      partyId: active,
      messagingKey: () => testKey(active),
      open: (b) => open(b, keys),
      chainTip: () => TIP,
      onReport: (r) => void coordinatorReports.push(r),
      logger: quiet,
      waitMs: 2000,
    });
    const all = [...signers.map((s) => s.host), coordinator];
    hosts.push(...all);
    for (const h of all) {
      await h.start();
      void h.run();
      await h.push({ type: 'chain-tip', tip: TIP.hash, height: TIP.height });
    }
    await coordinator.push({ type: 'command', command: { kind: 'dkg' } });
    const until = async (f: () => unknown, ms = 30_000) => {
      const end = Date.now() + ms;
      while (!f()) {
        if (Date.now() > end) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(() => coordinatorReports.find((r) => r.kind === 'dkg-complete'));
    const dkg = coordinatorReports.find((r) => r.kind === 'dkg-complete')!;
    expect(dkg.kind === 'dkg-complete' && dkg.excluded).toEqual({});
    await until(() => signerReports.filter((r) => r.kind === 'key-verified').length === 3);

    const sign = async (n: number) => {
      const tx = bytesToHex(Uint8Array.of(2, n, ...new Uint8Array(30)));
      const before = coordinatorReports.length;
      await coordinator.push({
        type: 'command',
        command: {
          kind: 'sign',
          withdrawalRequestIds: [n],
          unsignedTransaction: tx,
          messages: toySighashes(tx),
          tweak: { type: 'taproot', merkleRoot: null },
        },
      });
      await until(() =>
        coordinatorReports
          .slice(before)
          .find((r) => r.kind === 'signature' || r.kind === 'insufficient-signers'),
      );
      const r = coordinatorReports.slice(before).find((x) => x.kind === 'signature');
      expect(r).toBeDefined();
      if (r?.kind !== 'signature' || dkg.kind !== 'dkg-complete') return;
      const q = hexToBytes(outputKey(dkg.groupKey, r.tweak));
      for (const [i, m] of r.messages.entries())
        expect(schnorr.verify(hexToBytes(r.signatures[i]!), hexToBytes(m), q)).toBe(true);
    };
    await sign(1);
    await sign(2);

    // Drop every signer host (as a crash after its last commit would) and rebuild it on its store.
    for (const s of signers) {
      await s.host.stop();
      s.store.close();
    }
    const again = parties.map((p) => signerHost(p.id));
    hosts.push(...again.map((s) => s.host));
    for (const s of again) {
      await s.host.start();
      void s.host.run();
      await s.host.push({ type: 'chain-tip', tip: TIP.hash, height: TIP.height });
      expect(s.host.state.current?.status).toBe('verified');
    }
    await sign(3);
    expect(coordinator.counters.restarts).toBe(0);
  }, 120_000);
});

describe('MachineHost relay switch', () => {
  it('a refusal from the client it just replaced (the old key) does not stop consuming', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peg-host-switch-'));
    const store = StateStore.open(join(dir, 's.sqlite'), { stateKey });
    const federation: FederationConfig = {
      network: 'regtest',
      parties: [1, 2].map((id) => ({
        id,
        keyIds: [id],
        publicKey: bytesToHex(schnorr.getPublicKey(testKey(id))),
      })),
      threshold: 2,
      dkgThreshold: 2,
      timeouts: { ...DEFAULT_TIMEOUTS },
    };
    // The old client's token request is answered 401 just as the switch aborts it: the
    // relay already knows the new key.
    const old = {
      consume: (_: unknown, { signal }: { signal: AbortSignal }) =>
        new Promise<void>((_resolve, reject) =>
          signal.addEventListener('abort', () =>
            reject(
              new RelayClientError('unauthenticated', '401 signature rejected', {
                status: 401,
                retryable: false,
              }),
            ),
          ),
        ),
    };
    let consumedByNew = 0;
    const next = {
      consume: (_: unknown, { signal }: { signal: AbortSignal }) => {
        consumedByNew++;
        return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      },
    };
    const host = new MachineHost<SignerState, SignerInput, SignerReport>({
      step: signerStep,
      initial: () => initialSignerState({ id: 1, federation }),
      store,
      relay: old as unknown as RelayClient,
      partyId: 1,
      messagingKey: () => testKey(1),
      open: () => ({ ok: false, error: { code: 'bad-signature' } }) as never,
      chainTip: () => TIP,
      onReport: () => {},
      logger: quiet,
    });
    try {
      await host.start();
      const running = host.run();
      host.replaceRelay(next as unknown as RelayClient);
      await new Promise((r) => setTimeout(r, 50));
      expect(consumedByNew).toBe(1);
      await host.stop();
      await expect(running).resolves.toBeUndefined();
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('relay addresses', () => {
  it('a message for several signers is one post to each of their inboxes', () => {
    expect(recipientsOf({ kind: 'signers', ids: [2, 5, 7] })).toEqual(['2', '5', '7']);
    expect(recipientsOf({ kind: 'signer', id: 3 })).toEqual(['3']);
    expect(recipientsOf({ kind: 'coordinator', id: 3 })).toEqual(['3-coordinator']);
    expect(recipientsOf({ kind: 'broadcast' })).toBe('all');
  });
});
