import { describe, expect, test } from 'vitest';
import { EventStreamParser } from './sse-client.ts';

describe('EventStreamParser', () => {
  test('events split across chunks at any point parse the same', () => {
    const text =
      'retry: 3000\n\n: keep-alive\n\nid: e-1\nevent: key\ndata: {"a":1}\n\n' +
      'id: e-2\r\nevent: gap\r\ndata: x\r\ndata: y\r\n\r\n' +
      'data:no-space\n\n';
    const expected = [
      { id: 'e-1', event: 'key', data: '{"a":1}' },
      { id: 'e-2', event: 'gap', data: 'x\ny' },
      { id: 'e-2', event: 'message', data: 'no-space' },
    ];
    expect(new EventStreamParser().push(text)).toEqual(expected);
    for (let cut = 1; cut < text.length; cut++) {
      const p = new EventStreamParser();
      expect([...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))], String(cut)).toEqual(
        expected,
      );
    }
  });

  test('an event without data is not dispatched; an unfinished one waits', () => {
    const p = new EventStreamParser();
    expect(p.push('event: x\n\nid: 1\ndata: a\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ id: '1', event: 'message', data: 'a' }]);
  });
});
