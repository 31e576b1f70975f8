import { describe, expect, it } from 'vitest';
import type { Outgoing } from '../envelopes.ts';
import type { Address, Effect, Step } from '../machine.ts';
import type { PolicyDecision, PolicyRequest } from '../policy.ts';
import { MemoryStore } from '../sim/memory-store.ts';
import { EffectDriver, EffectFailure, type Machine } from './driver.ts';
import type { DriverPorts, PolicyInput, StateStore } from './ports.ts';

/**
 * A toy machine with the shape of the signer's nonce rule: a request id gets one answer, the
 * state records the id before the answer leaves, and the same request again gets the same answer.
 */
type ToyState = { answered: Record<string, number>; next: number; ticks: number };
type ToyInput =
  | { type: 'request'; id: string }
  | { type: 'timer'; id: string }
  | { type: 'script'; effects: Effect<string>[] }
  | PolicyInput;

const toAll: Address = { kind: 'broadcast' };
const answer = (id: string, nonce: number): Outgoing =>
  ({ kind: 'toy', id, nonce }) as unknown as Outgoing;

const toy: Machine<ToyState, ToyInput, string> = (s, input) => {
  switch (input.type) {
    case 'request': {
      const known = s.answered[input.id];
      if (known !== undefined)
        return {
          state: s,
          effects: [{ type: 'send', to: toAll, message: answer(input.id, known) }],
        };
      const state = { ...s, answered: { ...s.answered, [input.id]: s.next }, next: s.next + 1 };
      return {
        state,
        effects: [
          { type: 'persist' },
          { type: 'send', to: toAll, message: answer(input.id, s.next) },
        ],
      };
    }
    case 'timer':
      return {
        state: { ...s, ticks: s.ticks + 1 },
        effects: [{ type: 'report', report: `timer ${input.id}` }],
      };
    case 'script':
      return { state: { ...s, ticks: s.ticks + 100 }, effects: input.effects };
    case 'policy':
      return {
        state: s,
        effects: [{ type: 'report', report: `policy ${JSON.stringify(input.decision)}` }],
      };
  }
};

const initial: ToyState = { answered: {}, next: 1, ticks: 0 };

const policyRequest = (signId: number, iteration: number): PolicyRequest => ({
  dkgId: 1,
  signId,
  iteration,
  withdrawalRequestIds: [3],
  unsignedTransaction: '00',
  tweak: { type: 'none' },
});

/** Ports that record every call, in order, into one log. */
function recordingPorts(store: StateStore<ToyState> = new MemoryStore<ToyState>()) {
  const log: string[] = [];
  const inbox: PolicyInput[] = [];
  let clock = 0;
  const ports: DriverPorts<ToyState, string> = {
    store: {
      save: (snap) => {
        log.push(`persist ${snap.state.next} ${JSON.stringify(snap.timers)}`);
        return store.save(snap);
      },
      load: () => store.load(),
    },
    transport: {
      send: (to, m) => void log.push(`send ${to.kind} ${JSON.stringify(m)}`),
      forward: (to, e) => void log.push(`forward ${to.kind} ${JSON.stringify(e)}`),
    },
    timers: {
      arm: (id, at) => void log.push(`arm ${id} ${at}`),
      cancel: (id) => void log.push(`cancel ${id}`),
    },
    clock: { now: () => clock },
    reports: { report: (r) => void log.push(`report ${r}`) },
    policy: { decide: () => ({ approve: false, reason: 'no' }) },
    inbox: { push: (i) => void inbox.push(i) },
  };
  return { ports, log, inbox, store, setClock: (t: number) => (clock = t) };
}

const rng = (n: number) => new Uint8Array(n);
const driverOf = (ports: DriverPorts<ToyState, string>) =>
  new EffectDriver<ToyState, ToyInput, string>({ step: toy, ports, rng });

/** Runs a driver call that must complete synchronously (in-memory ports). */
const sync = <T>(v: T | Promise<T>): T => {
  if (v instanceof Promise) throw new Error('expected a synchronous result');
  return v;
};

describe('effect driver', () => {
  it('runs every effect in the order the step lists them, each through its port', () => {
    const { ports, log } = recordingPorts();
    const d = driverOf(ports);
    sync(d.start(initial));
    log.length = 0;
    const envelope = { kind: 'x' } as never;
    sync(
      d.handle({
        type: 'script',
        effects: [
          { type: 'set-timer', id: 'a', at: 50 },
          { type: 'report', report: 'one' },
          { type: 'persist' },
          { type: 'send', to: { kind: 'signer', id: 2 }, message: answer('m', 1) },
          { type: 'cancel-timer', id: 'a' },
          { type: 'forward', to: { kind: 'coordinator', id: 3 }, envelope },
          { type: 'persist' },
        ],
      }),
    );
    expect(log).toEqual([
      'arm a 50',
      'report one',
      'persist 1 {"a":50}',
      `send signer ${JSON.stringify(answer('m', 1))}`,
      'cancel a',
      'forward coordinator {"kind":"x"}',
      'persist 1 {}',
    ]);
    expect(d.state.ticks).toBe(100);
  });

  it('persists before it sends, and stops (as a crash) when the send fails', () => {
    const { ports, log, store } = recordingPorts();
    ports.transport.send = () => {
      log.push('send fails');
      throw new Error('relay down');
    };
    const d = driverOf(ports);
    sync(d.start(initial));
    log.length = 0;
    let failure: unknown;
    try {
      d.handle({ type: 'request', id: 'r1' });
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(EffectFailure);
    expect((failure as EffectFailure).index).toBe(1);
    expect((failure as EffectFailure).effect).toBe('send');
    expect(log).toEqual(['persist 2 {}', 'send fails']);
    // The nonce is recorded as used in the store although its answer never left.
    expect(sync(store.load())!.state.answered).toEqual({ r1: 1 });
    // Stopped like a crashed process until restarted from the store.
    expect(() => d.handle({ type: 'request', id: 'r2' })).toThrow(/start\(\) it again/);
    ports.transport.send = (to, m) => void log.push(`send ${to.kind} ${JSON.stringify(m)}`);
    sync(d.start());
    log.length = 0;
    sync(d.handle({ type: 'request', id: 'r1' })); // redelivered: the same answer, no new nonce
    expect(log).toEqual([`send broadcast ${JSON.stringify(answer('r1', 1))}`]);
  });

  it('waits for an asynchronous save before it sends', async () => {
    const { ports, log } = recordingPorts();
    const inner = ports.store;
    let release: () => void = () => {};
    ports.store = {
      save: (snap) =>
        new Promise<void>((resolve) => {
          log.push('save started');
          release = () => {
            void inner.save(snap);
            resolve();
          };
        }),
      load: () => inner.load(),
    };
    const d = driverOf(ports);
    const started = d.start(initial);
    release();
    await started;
    log.length = 0;
    const done = d.handle({ type: 'request', id: 'r1' });
    expect(done).toBeInstanceOf(Promise);
    await Promise.resolve();
    expect(log).toEqual(['save started']); // nothing sent while the save is pending
    expect(() => d.handle({ type: 'request', id: 'r2' })).toThrow(/busy/);
    release();
    await done;
    expect(log).toEqual([
      'save started',
      'persist 2 {}',
      `send broadcast ${JSON.stringify(answer('r1', 1))}`,
    ]);
  });

  it('a crash between persist and send: the restarted process answers the redelivered input once, with the recorded nonce', () => {
    const store = new MemoryStore<ToyState>();
    const first = recordingPorts(store);
    let crashAt = 1;
    const crashed = new EffectDriver<ToyState, ToyInput, string>({
      step: toy,
      ports: first.ports,
      rng,
      beforeEffect: (i) => {
        if (i === crashAt) throw new Error('killed');
      },
    });
    sync(crashed.start(initial));
    expect(() => crashed.handle({ type: 'request', id: 'r1' })).toThrow(EffectFailure);
    expect(first.log.filter((l) => l.startsWith('send'))).toEqual([]);
    crashAt = -1;
    // A new process over the same store (what a restart is).
    const second = recordingPorts(store);
    const restarted = driverOf(second.ports);
    sync(restarted.start(initial));
    expect(restarted.state.answered).toEqual({ r1: 1 });
    second.log.length = 0;
    sync(restarted.handle({ type: 'request', id: 'r1' }));
    sync(restarted.handle({ type: 'request', id: 'r1' }));
    const sent = second.log.filter((l) => l.startsWith('send'));
    expect(new Set(sent)).toEqual(new Set([`send broadcast ${JSON.stringify(answer('r1', 1))}`]));
    expect(second.log.some((l) => l.startsWith('persist'))).toBe(false);
  });

  it('re-arms persisted timers on restart; overdue ones fire at once, stale wake-ups are ignored', () => {
    const store = new MemoryStore<ToyState>();
    const first = recordingPorts(store);
    const d1 = driverOf(first.ports);
    sync(d1.start(initial));
    sync(
      d1.handle({
        type: 'script',
        effects: [
          { type: 'set-timer', id: 'soon', at: 100 },
          { type: 'set-timer', id: 'late', at: 500 },
          { type: 'set-timer', id: 'gone', at: 200 },
          { type: 'cancel-timer', id: 'gone' },
          { type: 'persist' },
          { type: 'set-timer', id: 'unsaved', at: 300 }, // armed after the persist: lost in a crash
        ],
      }),
    );
    // Restart at t = 300 from the store, with a timer port that fires what is due.
    const second = recordingPorts(store);
    second.setClock(300);
    const due: [string, number][] = [];
    second.ports.timers = {
      arm: (id, at) => {
        second.log.push(`arm ${id} ${at}`);
        if (at <= 300) due.push([id, at]);
      },
      cancel: () => {},
    };
    const d2 = driverOf(second.ports);
    sync(d2.start());
    expect(second.log).toEqual(['arm soon 100', 'arm late 500']);
    expect(d2.timers).toEqual({ soon: 100, late: 500 });
    expect(due).toEqual([['soon', 100]]);
    second.log.length = 0;
    for (const [id, at] of due) sync(d2.fire(id, at)!);
    expect(second.log).toEqual(['report timer soon']);
    expect(d2.fire('soon', 100)).toBeUndefined(); // fired once
    expect(d2.fire('late', 499)).toBeUndefined(); // not the armed time: stale
    expect(d2.fire('gone', 200)).toBeUndefined(); // cancelled before the persist
    expect(sync(d2.fire('late', 500)!).effects).toEqual([{ type: 'report', report: 'timer late' }]);
    expect(d2.state.ticks).toBe(102);
  });

  it('answers check-policy through the async hook as a later policy input, without blocking the step', async () => {
    const { ports, log, inbox } = recordingPorts();
    const asked: PolicyRequest[] = [];
    let decide: (d: PolicyDecision) => void = () => {};
    ports.policy = {
      decide: (request) => {
        asked.push(request);
        return new Promise((resolve) => (decide = resolve));
      },
    };
    const d = driverOf(ports);
    sync(d.start(initial));
    const request = policyRequest(7, 2);
    sync(
      d.handle({
        type: 'script',
        effects: [
          { type: 'check-policy', request },
          { type: 'report', report: 'after' },
        ],
      }),
    );
    expect(asked).toEqual([request]);
    expect(log.at(-1)).toBe('report after'); // the step finished; the decision is pending
    expect(inbox).toEqual([]);
    const approval: PolicyDecision = { approve: true, messages: ['aa'] };
    decide(approval);
    await d.settled();
    expect(inbox).toEqual([{ type: 'policy', signId: 7, iteration: 2, decision: approval }]);
    // The owner steps the answer like any other input.
    sync(d.handle(inbox[0]!));
    expect(log.at(-1)).toBe(`report policy ${JSON.stringify(approval)}`);
  });

  it('a policy that throws or rejects is answered as a refusal, never as an approval', async () => {
    const request = policyRequest(1, 1);
    for (const decide of [
      () => {
        throw new Error('chain unreachable');
      },
      () => Promise.reject(new Error('chain unreachable')),
    ]) {
      const { ports, inbox } = recordingPorts();
      ports.policy = { decide };
      const d = driverOf(ports);
      sync(d.start(initial));
      sync(d.handle({ type: 'script', effects: [{ type: 'check-policy', request }] }));
      await d.settled();
      expect(inbox).toEqual([
        {
          type: 'policy',
          signId: 1,
          iteration: 1,
          decision: { approve: false, reason: 'policy-unavailable' },
        },
      ]);
    }
  });

  it('refuses a check-policy effect when no policy port is wired (a coordinator never asks)', () => {
    const { ports } = recordingPorts();
    delete ports.policy;
    const d = driverOf(ports);
    sync(d.start(initial));
    expect(() =>
      d.handle({
        type: 'script',
        effects: [{ type: 'check-policy', request: policyRequest(1, 1) }],
      }),
    ).toThrow(/no policy port/);
  });

  it('needs start() first; an empty store without an initial state is an error', () => {
    const { ports } = recordingPorts();
    const d = driverOf(ports);
    expect(() => d.handle({ type: 'request', id: 'r' })).toThrow(/start\(\)/);
    expect(() => d.start()).toThrow(/empty store/);
  });
});

export type { Step };
