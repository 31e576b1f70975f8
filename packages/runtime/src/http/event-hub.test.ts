import { describe, expect, test } from 'vitest';
import { EventHub } from './event-hub.ts';

describe('EventHub', () => {
  test('delivers in order to every subscriber until it unsubscribes', () => {
    const hub = new EventHub<number>((err) => {
      throw err;
    });
    const a: number[] = [];
    const b: number[] = [];
    const offA = hub.subscribe((n) => a.push(n));
    hub.subscribe((n) => b.push(n));
    hub.emit(1);
    hub.emit(2);
    offA();
    hub.emit(3);
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2, 3]);
    expect(hub.size).toBe(1);
  });

  test('a throwing listener stops neither the others nor the emitter; its error is reported', () => {
    const errors: unknown[] = [];
    const hub = new EventHub<string>((err) => errors.push(err));
    const got: string[] = [];
    hub.subscribe(() => {
      throw new Error('listener bug');
    });
    hub.subscribe((s) => got.push(s));
    hub.emit('x');
    expect(got).toEqual(['x']);
    expect(errors.map(String)).toEqual(['Error: listener bug']);
  });
});
