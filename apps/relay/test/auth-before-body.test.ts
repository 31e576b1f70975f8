import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hex, listenLocal, signed, sqliteRelay, type TestRelay, tokenFor } from './helpers.ts';

// Authentication runs before the body is read: an outsider's upload is refused while it is
// still being sent (checked over a raw socket that never sends the rest of its body).

let relay: TestRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

/**
 * Sends the head of a POST announcing `length` bytes, then only `sent` bytes of the body, and
 * resolves with the status line of the answer (which must come while the body is unfinished).
 */
function answeredEarly(
  port: number,
  headers: Record<string, string>,
  length: number | 'chunked',
  sent: number,
): Promise<{ status: number; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    socket.setEncoding('latin1');
    socket.on('error', () => {}); // the server may close while we still write
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer before the body was complete; got: ${got}`));
    }, 5_000);
    socket.on('data', (d: string) => {
      got += d;
      const m = /^HTTP\/1\.1 (\d{3})[\s\S]*?\r\n\r\n/.exec(got);
      if (m) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(m[1]), raw: got });
      }
    });
    const head = [
      'POST /v1/messages HTTP/1.1',
      'Host: relay',
      'Content-Type: application/json',
      length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    socket.write(`${head}\r\n\r\n`);
    const body = 'x'.repeat(sent);
    socket.write(length === 'chunked' ? `${sent.toString(16)}\r\n${body}\r\n` : body);
  });
}

// Under the default body limit: the old relay accepted such a length and read the body first.
const BIG = 5_000_000;

describe('authentication before the body is read', () => {
  it('401 to an unauthenticated upload while it is being sent', async () => {
    relay = await sqliteRelay();
    const port = await listenLocal(relay.app);
    const none = await answeredEarly(port, {}, BIG, 1024);
    expect(none.status).toBe(401);
    expect(none.raw).toMatch(/"error":"unauthenticated"/);
    expect(none.raw).toMatch(/\r\nconnection: close\r\n/i); // the rest is not drained
    const badToken = await answeredEarly(port, { Authorization: 'Bearer 1.9.ab' }, BIG, 1024);
    expect(badToken.status).toBe(401);
    // A signature by a party that is not a member (the body hash cannot matter).
    const stranger = signed(relay.app, '99', 99, 'POST', '/v1/messages', 'x');
    expect((await answeredEarly(port, { Authorization: stranger }, BIG, 1024)).status).toBe(401);
    const chunked = await answeredEarly(port, {}, 'chunked', 1024);
    expect(chunked.status).toBe(401);
  });

  it("413 to a member's signed upload over the signed-request limit, before reading it", async () => {
    relay = await sqliteRelay({ auth: { signedBodyLimit: 4096 } });
    const port = await listenLocal(relay.app);
    const auth = signed(relay.app, '1', 1, 'POST', '/v1/messages', 'whatever');
    const announced = await answeredEarly(port, { Authorization: auth }, 10_000, 1024);
    expect(announced.status).toBe(413);
    expect(announced.raw).toMatch(/"error":"payload-too-large"/);
    // Without a length, the body is cut off once it passes the limit.
    const auth2 = signed(relay.app, '1', 1, 'POST', '/v1/messages', 'whatever');
    expect((await answeredEarly(port, { Authorization: auth2 }, 'chunked', 5000)).status).toBe(413);
  });

  it('a token-authenticated post may be larger than the signed-request limit', async () => {
    relay = await sqliteRelay({ auth: { signedBodyLimit: 4096 } });
    const { app } = relay;
    const payload = JSON.stringify({ id: 'big', to: ['2'], envelope: hex('e'.repeat(10_000)) });
    const token = await tokenFor(app, '1');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode).toBe(200);
    const bySignature = await app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: {
        authorization: signed(app, '1', 1, 'POST', '/v1/messages', payload),
        'content-type': 'application/json',
      },
      payload,
    });
    expect(bySignature.statusCode).toBe(413);
  });
});
