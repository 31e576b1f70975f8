import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/errors.ts';
import { readSecretText, secretSourceFromEnv } from '../src/config/secret-text.ts';
import { tempDir } from './helpers.ts';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

async function failure(p: Promise<unknown>): Promise<ConfigError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).code).toBe('no-secret');
  return err as ConfigError;
}

describe('readSecretText', () => {
  it('reads a variable, or a file without its one trailing newline', async () => {
    expect(await readSecretText({ env: 'TOKEN' }, { env: { TOKEN: 'abc\n' } })).toBe('abc\n');
    const file = join(t.dir, 'token');
    writeFileSync(file, 'line one\r\n');
    expect(await readSecretText({ file })).toBe('line one');
    writeFileSync(file, 'two\n\n');
    expect(await readSecretText({ file })).toBe('two\n');
  });

  it('names the variable or file and what the secret is, never the value', async () => {
    const unset = await failure(
      readSecretText({ env: 'OP_TOKEN' }, { env: {}, what: 'operator token' }),
    );
    expect(unset.message).toBe('operator token variable OP_TOKEN is not set');
    const empty = await failure(readSecretText({ env: 'OP_TOKEN' }, { env: { OP_TOKEN: '' } }));
    expect(empty.message).toBe('secret variable OP_TOKEN is not set');
    const missing = join(t.dir, 'none');
    const absent = await failure(readSecretText({ file: missing }));
    expect(absent.message).toBe(`cannot read secret file ${missing} (ENOENT)`);
    const file = join(t.dir, 'blank');
    writeFileSync(file, '\n');
    expect((await failure(readSecretText({ file }))).message).toBe(`secret file ${file} is empty`);
  });
});

describe('secretSourceFromEnv', () => {
  it('NAME or NAME_FILE, exactly one', () => {
    const n = 'PEG_KEYSTORE_PASSWORD';
    expect(secretSourceFromEnv(n, { [n]: 'pw' })).toEqual({ env: n });
    expect(secretSourceFromEnv(n, { [`${n}_FILE`]: '/run/secrets/pw', [n]: '' })).toEqual({
      file: '/run/secrets/pw',
    });
    expect(() => secretSourceFromEnv(n, { [n]: 'pw', [`${n}_FILE`]: '/f' })).toThrow(
      'secret: set PEG_KEYSTORE_PASSWORD or PEG_KEYSTORE_PASSWORD_FILE, not both',
    );
    expect(() => secretSourceFromEnv(n, {}, 'keystore password')).toThrow(
      'keystore password: set PEG_KEYSTORE_PASSWORD or PEG_KEYSTORE_PASSWORD_FILE',
    );
    expect(() => secretSourceFromEnv(n, { [n]: 'hunter2', [`${n}_FILE`]: '/f' })).not.toThrow(
      /hunter2/,
    );
  });
});
