/**
 * The effect driver: runs one sans-IO machine (signer or coordinator) over its ports. The same
 * code runs inside the deterministic simulation (in-memory ports) and in the processes (SQLite,
 * relay, real timers), so what the simulation proves about effect handling holds for the apps.
 *
 * For each input: `step(state, input, { now, rng })`, then the step's effects strictly in order,
 * each one finished before the next starts:
 * - `persist` saves the new state and the timers armed so far, so a later `send` never leaves
 *   before the state that records it (a used nonce) is durable;
 * - `set-timer` / `cancel-timer` update the armed timers and the timer port;
 * - `send` / `forward` go to the transport;
 * - `check-policy` asks the policy port; its answer comes back later as a `policy` input through
 *   the inbox (a failed policy is a refusal);
 * - `report` goes to the report sink.
 * If an effect fails the driver stops where it is, as a crash would, and refuses inputs until
 * `start()` restores it from the store; the input should then be delivered again (the relay is
 * at-least-once, and the machines answer a repeated input the same way).
 */
import type { Effect, Env, Step } from '../machine.ts';
import type { Awaitable, DriverPorts, PolicyInput, PolicyPort, Snapshot } from './ports.ts';

/** A pure machine: `signerStep` or `coordinatorStep`. */
export type Machine<S, I, R> = (state: S, input: I, env: Env) => Step<S, R>;

/** The input a due timer becomes (both machines accept it). */
export type TimerInput = { type: 'timer'; id: string };

export type DriverOptions<S, I, R> = {
  step: Machine<S, I, R>;
  ports: DriverPorts<S, R>;
  /** Randomness for `env.rng` (a CSPRNG in the processes, a seeded one in the simulation). */
  rng: Env['rng'];
  /** Called before each effect runs (tracing; the simulation injects crashes here by throwing). */
  beforeEffect?: (index: number, effect: Effect<R>) => void;
};

/** An effect that failed; the effects before `index` ran, none after it. */
export class EffectFailure extends Error {
  readonly index: number;
  readonly effect: Effect<unknown>['type'];
  constructor(index: number, effect: Effect<unknown>['type'], cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`effect ${index} (${effect}) failed: ${why}`, { cause });
    this.name = 'EffectFailure';
    this.index = index;
    this.effect = effect;
  }
}

const isPromise = (v: unknown): v is Promise<unknown> =>
  typeof (v as { then?: unknown } | null | undefined)?.then === 'function';

/** `f(v)`, synchronously when `v` is a plain value (the simulation never sees a Promise). */
function then<T, U>(v: Awaitable<T>, f: (t: T) => Awaitable<U>): Awaitable<U> {
  return isPromise(v) ? v.then(f) : f(v as T);
}

/** A decision of the policy, a refusal when it throws or rejects. */
function decide(policy: PolicyPort, request: Parameters<PolicyPort['decide']>[0]) {
  const refusal = { approve: false, reason: 'policy-unavailable' } as const;
  try {
    const d = policy.decide(request);
    return isPromise(d) ? d.catch(() => refusal) : d;
  } catch {
    return refusal;
  }
}

export class EffectDriver<S, I, R> {
  private readonly opts: DriverOptions<S, I, R>;
  private current: S | undefined;
  private armed: Record<string, number> = {};
  private running = false;
  private failed = true; // until start()
  private readonly decisions = new Set<Promise<unknown>>();

  constructor(opts: DriverOptions<S, I, R>) {
    this.opts = opts;
  }

  /** The machine state as of the last step (the one its effects act on). */
  get state(): S {
    if (this.current === undefined) throw new Error('effect driver not started');
    return this.current;
  }

  /** Timers armed now (id -> time). */
  get timers(): Readonly<Record<string, number>> {
    return this.armed;
  }

  /**
   * (Re)starts from the store: the last persisted state and timers, every timer armed again (an
   * overdue one fires at once). With an empty store, `initial` is saved and used.
   */
  start(initial?: S): Awaitable<void> {
    const { store, timers } = this.opts.ports;
    return then(store.load(), (saved) => {
      if (saved === undefined && initial === undefined)
        throw new Error('effect driver: empty store and no initial state');
      const snapshot: Snapshot<S> = saved ?? { state: initial as S, timers: {} };
      return then(saved === undefined ? store.save(snapshot) : undefined, () => {
        for (const id of Object.keys(this.armed)) timers.cancel(id);
        this.current = snapshot.state;
        this.armed = { ...snapshot.timers };
        for (const [id, at] of Object.entries(this.armed)) timers.arm(id, at);
        this.failed = false;
        this.running = false;
      });
    });
  }

  /** Steps the machine on one input and runs its effects; resolves with the step's result. */
  handle(input: I): Awaitable<Step<S, R>> {
    if (this.failed) throw new Error('effect driver stopped: start() it again from the store');
    if (this.running) throw new Error('effect driver busy: queue inputs, one step at a time');
    const result = this.opts.step(this.state, input, {
      now: this.opts.ports.clock.now(),
      rng: this.opts.rng,
    });
    this.current = result.state;
    this.running = true;
    return then(this.runFrom(result, 0), () => {
      this.running = false;
      return result;
    });
  }

  /**
   * Timer `id` armed for `at` is due: steps a `timer` input, or returns undefined when that
   * timer was cancelled or replaced since (a stale wake-up).
   */
  fire(id: string, at: number): Awaitable<Step<S, R>> | undefined {
    if (this.failed || this.armed[id] !== at) return undefined;
    delete this.armed[id];
    return this.handle({ type: 'timer', id } satisfies TimerInput as I);
  }

  /** Resolves once every policy decision asked so far has been answered into the inbox. */
  async settled(): Promise<void> {
    while (this.decisions.size > 0) await Promise.all([...this.decisions]);
  }

  private runFrom(result: Step<S, R>, from: number): Awaitable<void> {
    const effects = result.effects;
    for (let i = from; i < effects.length; i++) {
      const e = effects[i]!;
      let done: Awaitable<void>;
      try {
        this.opts.beforeEffect?.(i, e);
        done = this.execute(result.state, e);
      } catch (cause) {
        throw this.fail(i, e, cause);
      }
      if (isPromise(done))
        return done.then(
          () => this.runFrom(result, i + 1),
          (cause: unknown) => {
            throw this.fail(i, e, cause);
          },
        );
    }
  }

  private fail(index: number, e: Effect<R>, cause: unknown): EffectFailure {
    this.failed = true;
    this.running = false;
    return new EffectFailure(index, e.type, cause);
  }

  private execute(state: S, e: Effect<R>): Awaitable<void> {
    const { ports } = this.opts;
    switch (e.type) {
      case 'persist':
        return ports.store.save({ state, timers: { ...this.armed } });
      case 'set-timer':
        this.armed[e.id] = e.at;
        ports.timers.arm(e.id, e.at);
        return;
      case 'cancel-timer':
        delete this.armed[e.id];
        ports.timers.cancel(e.id);
        return;
      case 'send':
        return ports.transport.send(e.to, e.message);
      case 'forward':
        return ports.transport.forward(e.to, e.envelope);
      case 'report':
        return ports.reports.report(e.report);
      case 'check-policy':
        return this.askPolicy(e.request);
    }
  }

  /** Asks the policy without holding up the machine; the answer is queued as an input. */
  private askPolicy(request: Extract<Effect<R>, { type: 'check-policy' }>['request']): void {
    const { policy, inbox } = this.opts.ports;
    if (policy === undefined || inbox === undefined)
      throw new Error('check-policy effect but the driver has no policy port and inbox');
    const answer = (decision: PolicyInput['decision']) =>
      inbox.push({
        type: 'policy',
        signId: request.signId,
        iteration: request.iteration,
        decision,
      });
    const d = decide(policy, request);
    if (!isPromise(d)) {
      answer(d);
      return;
    }
    const pending: Promise<void> = d.then(answer).finally(() => this.decisions.delete(pending));
    this.decisions.add(pending);
  }
}
