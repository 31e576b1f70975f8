import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CENSORED, censorSecrets, isSecretLogKey } from '../src/log/censor-secrets.ts';
import { createLogger, type LoggerOptions } from '../src/log/create-logger.ts';
import { tempDir } from './helpers.ts';

const SECRET = 'hunter2-do-not-log';

function capture(opts: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const log = createLogger({
    name: 'test',
    level: 'trace',
    destination: { write: (s: string) => void lines.push(s) },
    ...opts,
  });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, records };
}

describe('createLogger', () => {
  it('writes one JSON line per record with level, ISO time, name and message', () => {
    const { log, lines, records } = capture();
    log.info({ round: 3 }, 'dkg started');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const [r] = records();
    expect(r).toMatchObject({ level: 30, name: 'test', round: 3, msg: 'dkg started' });
    expect(r!.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('respects the level', () => {
    const { log, records } = capture({ level: 'warn' });
    log.info('no');
    log.debug('no');
    log.warn('yes');
    log.error('yes too');
    expect(records().map((r) => r.msg)).toEqual(['yes', 'yes too']);
  });

  it('censors every secret-named field at any depth, in arrays, and in child bindings', () => {
    const { log, lines, records } = capture();
    const deep = { a: { b: { c: { d: { e: { f: { privateKey: SECRET, keep: 'visible' } } } } } } };
    log.info(
      {
        password: SECRET,
        secret: SECRET,
        config: { relay: { token: SECRET }, keystorePassword: SECRET },
        secretKey: SECRET,
        stacks_secret_key: SECRET,
        headers: { authorization: `Bearer ${SECRET}`, Authorization: SECRET, 'x-api-key': SECRET },
        wallet: { mnemonic: SECRET },
        list: [{ token: SECRET }, [{ password: SECRET }]],
        nested: { secretKey: { bytes: SECRET } },
        deep,
        publicKey: 'ab'.repeat(32),
        messagingKey: 'cd'.repeat(32),
      },
      'with secrets',
    );
    log
      .child({ authorization: SECRET, party: 2 })
      .child({ inner: { password: SECRET } })
      .info('child');
    const child = log.child({ component: 'relay' });
    child.setBindings({ token: SECRET });
    child.info('rebound');
    const text = lines.join('');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('hunter2');
    const [r, c, rebound] = records();
    expect(r).toMatchObject({
      password: CENSORED,
      secret: CENSORED,
      config: { relay: { token: CENSORED }, keystorePassword: CENSORED },
      secretKey: CENSORED,
      stacks_secret_key: CENSORED,
      headers: { authorization: CENSORED, Authorization: CENSORED, 'x-api-key': CENSORED },
      wallet: { mnemonic: CENSORED },
      list: [{ token: CENSORED }, [{ password: CENSORED }]],
      nested: { secretKey: CENSORED },
      deep: { a: { b: { c: { d: { e: { f: { privateKey: CENSORED, keep: 'visible' } } } } } } },
      // Public keys are not secrets.
      publicKey: 'ab'.repeat(32),
      messagingKey: 'cd'.repeat(32),
    });
    expect(c).toMatchObject({ authorization: CENSORED, party: 2, inner: { password: CENSORED } });
    expect(rebound).toMatchObject({ token: CENSORED, msg: 'rebound' });
    // The caller's object is not changed.
    expect(deep.a.b.c.d.e.f.privateKey).toBe(SECRET);
  });

  it('logs errors by type, message, code and stack (and cause), nothing else', () => {
    const { log, lines, records } = capture();
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = Object.assign(new TypeError('relay refused', { cause }), {
      code: 'E_RELAY',
      request: { headers: { cookie: 'session' }, body: SECRET },
    });
    log.error({ err }, 'post failed');
    log.error(err, 'as the first argument');
    log.warn({ attempt: { lastError: err } }, 'nested');
    expect(lines.join('')).not.toContain(SECRET);
    const [a, b, c] = records();
    for (const e of [a!.err, b!.err, (c!.attempt as { lastError: unknown }).lastError]) {
      expect(e).toEqual({
        type: 'TypeError',
        message: 'relay refused',
        code: 'E_RELAY',
        stack: err.stack,
        cause: {
          type: 'Error',
          message: 'connect ECONNREFUSED',
          code: 'ECONNREFUSED',
          stack: cause.stack,
        },
      });
    }
  });

  it('writes to a file given by path, appending', () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'logs', 'peg.log');
      createLogger({ name: 'a', destination: file }).info('one');
      createLogger({ name: 'b', destination: file }).info({ password: SECRET }, 'two');
      const records = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records.map((r) => [r.name, r.msg])).toEqual([
        ['a', 'one'],
        ['b', 'two'],
      ]);
      expect(records[1].password).toBe(CENSORED);
    } finally {
      t.cleanup();
    }
  });
});

describe('censorSecrets', () => {
  it('matches secret names by suffix, ignoring case, _ and -', () => {
    for (const k of [
      'password',
      'Password',
      'keystore_password',
      'tokenSecret',
      'secret_key',
      'PRIVATE-KEY',
      'bearerToken',
      'Cookie',
      'apiKey',
      'passphrase',
    ]) {
      expect([k, isSecretLogKey(k)]).toEqual([k, true]);
    }
    for (const k of [
      'publicKey',
      'identityKey',
      'messagingKey',
      'tokenExpiresAt',
      'keyIds',
      'stateKeyId',
      'party',
    ]) {
      expect([k, isSecretLogKey(k)]).toEqual([k, false]);
    }
  });

  it('handles cycles, toJSON and byte arrays', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    const withJson = { toJSON: () => ({ password: SECRET, path: '/k' }) };
    const bytes = new Uint8Array([1, 2]);
    expect(censorSecrets({ a, withJson, bytes, when: new Date(0) })).toEqual({
      a: { name: 'a', self: '[Circular]' },
      withJson: { password: CENSORED, path: '/k' },
      bytes,
      when: '1970-01-01T00:00:00.000Z',
    });
    // The same object twice (not a cycle) is shown twice.
    const shared = { x: 1 };
    expect(censorSecrets({ p: shared, q: shared })).toEqual({ p: { x: 1 }, q: { x: 1 } });
  });
});
