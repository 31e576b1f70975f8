import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeystoreError, type KeystoreErrorCode } from '../src/keystore/errors.ts';
import { FILE_LEN, HEADER_LEN, OFFSETS } from '../src/keystore/format.ts';
import { Keystore } from '../src/keystore/keystore.ts';
import { readPassword } from '../src/keystore/password.ts';
import { TEST_SCRYPT, tempDir } from './helpers.ts';

const PASSWORD = 'correct horse battery staple';

let t: ReturnType<typeof tempDir>;
let path: string;
beforeEach(() => {
  t = tempDir();
  path = join(t.dir, 'keystore.bin');
});
afterEach(() => t.cleanup());

async function openError(file: string, password = PASSWORD): Promise<KeystoreError> {
  const err = await Keystore.open(file, password).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeystoreError);
  return err as KeystoreError;
}

function secretHexes(ks: Keystore): string[] {
  return [ks.identitySecretKey(), ks.stacksSecretKey(), ks.stateKey()].map(bytesToHex);
}

function expectNoSecret(text: string, ks: Keystore): void {
  expect(text).not.toContain(PASSWORD);
  for (const hex of secretHexes(ks)) expect(text.toLowerCase()).not.toContain(hex);
}

describe('keystore', () => {
  it('round-trips the three keys, with mode 0600 and the documented size', async () => {
    const created = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(path).size).toBe(FILE_LEN);
    const opened = await Keystore.open(path, PASSWORD);
    expect(secretHexes(opened)).toEqual(secretHexes(created));
    expect(opened.publicInfo()).toEqual(created.publicInfo());
    const info = opened.publicInfo();
    expect(info.identityKey).toBe(bytesToHex(schnorr.getPublicKey(opened.identitySecretKey())));
    expect(info.stacksPublicKey).toMatch(/^0[23][0-9a-f]{64}$/);
    expect(info.stateKeyId).toMatch(/^[0-9a-f]{16}$/);
    // Three distinct random keys.
    expect(new Set(secretHexes(opened)).size).toBe(3);
  });

  it('imports given secrets and refuses invalid ones', async () => {
    const secrets = {
      identity: new Uint8Array(32).fill(1),
      stacks: new Uint8Array(32).fill(2),
      state: new Uint8Array(32).fill(3),
    };
    const ks = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT, secrets });
    expect(bytesToHex(ks.stacksSecretKey())).toBe('02'.repeat(32));
    const bad = { ...secrets, identity: new Uint8Array(32) };
    const err = await Keystore.create(join(t.dir, 'other'), PASSWORD, { secrets: bad }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(KeystoreError);
    expect(err.code).toBe('invalid-argument');
  });

  it('a missing file is its own error', async () => {
    const err = await openError(join(t.dir, 'absent.bin'));
    expect(err.code).toBe('unreadable');
    expect(err.message).toContain('ENOENT');
  });

  it('refuses to replace an existing file', async () => {
    await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const before = readFileSync(path);
    const err = await Keystore.create(path, 'other password', { scrypt: TEST_SCRYPT }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(KeystoreError);
    expect(err.code).toBe('exists');
    expect(readFileSync(path).equals(before)).toBe(true);
    // No temporary file left behind.
    expect(readFileSync(path).length).toBe(FILE_LEN);
  });

  it('a wrong password is its own error, naming no secret', async () => {
    const ks = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const err = await openError(path, 'correct horse battery stapl');
    expect(err.code).toBe('wrong-password');
    expect(err.message).toBe('wrong keystore password');
    expectNoSecret(`${err.message}\n${err.stack}\n${inspect(err)}`, ks);
  });

  describe('every byte region, modified', () => {
    const regions: [string, number, KeystoreErrorCode][] = [
      ['magic', OFFSETS.magic, 'not-a-keystore'],
      ['magic (last byte)', OFFSETS.magic + 7, 'not-a-keystore'],
      ['version', OFFSETS.version, 'tampered'],
      ['kdf', OFFSETS.kdf, 'tampered'],
      ['log2N', OFFSETS.log2N, 'tampered'],
      ['r', OFFSETS.r, 'tampered'],
      ['p', OFFSETS.p, 'tampered'],
      ['salt', OFFSETS.salt + 5, 'tampered'],
      ['nonce', OFFSETS.nonce + 11, 'tampered'],
      ['password check', OFFSETS.check + 31, 'tampered'],
      ['header checksum', OFFSETS.checksum, 'tampered'],
      ['ciphertext (identity)', OFFSETS.ciphertext, 'tampered'],
      ['ciphertext (state key)', OFFSETS.ciphertext + 95, 'tampered'],
      ['tag', OFFSETS.tag + 15, 'tampered'],
    ];
    for (const [name, offset, code] of regions) {
      it(`${name} (byte ${offset}) -> ${code}`, async () => {
        await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
        const file = readFileSync(path);
        file[offset]! ^= 0x01;
        writeFileSync(path, file);
        const err = await openError(path);
        expect(err.code).toBe(code);
        expect(err.message).not.toContain(PASSWORD);
      });
    }
  });

  // An attacker can recompute the unkeyed checksum: the AEAD (header as associated data) still
  // refuses every change; the error is then "wrong password" or "tampered", never a key.
  describe('header modified with a recomputed checksum', () => {
    const cases: [string, number, number, KeystoreErrorCode][] = [
      ['version', OFFSETS.version, 2, 'unsupported'],
      ['kdf', OFFSETS.kdf, 2, 'unsupported'],
      ['log2N too large', OFFSETS.log2N, 30, 'unsupported'],
      ['log2N lowered', OFFSETS.log2N, 11, 'wrong-password'],
      ['salt', OFFSETS.salt, 0xff, 'wrong-password'],
      ['nonce', OFFSETS.nonce, 0xff, 'tampered'],
    ];
    for (const [name, offset, value, code] of cases) {
      it(`${name} -> ${code}`, async () => {
        await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
        const file = readFileSync(path);
        file[offset] = value === file[offset] ? value ^ 1 : value;
        file.set(sha256(file.subarray(0, OFFSETS.checksum)), OFFSETS.checksum);
        writeFileSync(path, file);
        expect((await openError(path)).code).toBe(code);
      });
    }
  });

  it('a truncated or extended file is its own error', async () => {
    await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const file = readFileSync(path);
    for (const len of [0, 3, 8, 50, HEADER_LEN - 1, HEADER_LEN, FILE_LEN - 1]) {
      writeFileSync(path, file.subarray(0, len));
      const err = await openError(path);
      expect([len, err.code]).toEqual([len, 'truncated']);
    }
    writeFileSync(path, Buffer.concat([file, Buffer.from([0])]));
    const err = await openError(path);
    expect(err.code).toBe('tampered');
    expect(err.message).toMatch(/trailing/);
  });

  it('changes the password: same keys, new file, old password refused', async () => {
    const created = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const before = readFileSync(path);
    await Keystore.changePassword(path, PASSWORD, 'new password', { scrypt: TEST_SCRYPT });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path).equals(before)).toBe(false);
    expect((await openError(path)).code).toBe('wrong-password');
    const reopened = await Keystore.open(path, 'new password');
    expect(secretHexes(reopened)).toEqual(secretHexes(created));
    // A wrong old password changes nothing.
    const after = readFileSync(path);
    const err = await Keystore.changePassword(path, 'nope', 'x', { scrypt: TEST_SCRYPT }).catch(
      (e) => e,
    );
    expect(err.code).toBe('wrong-password');
    expect(readFileSync(path).equals(after)).toBe(true);
  });

  it('shows no secret through inspect, JSON, String or enumeration', async () => {
    const ks = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const views = [
      inspect(ks, { showHidden: true, depth: 10 }),
      JSON.stringify(ks),
      String(ks),
      `${ks}`,
      JSON.stringify(Object.entries(ks)),
      JSON.stringify(
        Object.getOwnPropertyNames(ks).map((k) => (ks as unknown as Record<string, unknown>)[k]),
      ),
      inspect({ nested: { ks } }),
    ];
    for (const v of views) expectNoSecret(v, ks);
    expect(JSON.parse(JSON.stringify(ks))).toEqual({ path, ...ks.publicInfo() });
    expect(inspect(ks)).toContain(ks.publicInfo().identityKey);
  });

  it('wipe() zeroes the keys in memory', async () => {
    const ks = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    ks.wipe();
    expect(bytesToHex(ks.stateKey())).toBe('00'.repeat(32));
  });
});

describe('readPassword', () => {
  it('reads an environment variable and names it, not its value, when missing', async () => {
    expect(bytesToHex(await readPassword({ env: 'PW' }, { PW: 'abc' }))).toBe('616263');
    const err = await readPassword({ env: 'PEG_KEYSTORE_PASSWORD' }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(KeystoreError);
    expect(err.code).toBe('no-password');
    expect(err.message).toContain('PEG_KEYSTORE_PASSWORD');
  });

  it('reads a file without its trailing newline; an empty or missing file is an error', async () => {
    const file = join(t.dir, 'pw');
    writeFileSync(file, 'secret words\n');
    expect(new TextDecoder().decode(await readPassword({ file }))).toBe('secret words');
    writeFileSync(file, '\n');
    expect((await readPassword({ file }).catch((e) => e)).code).toBe('no-password');
    const missing = await readPassword({ file: join(t.dir, 'none') }).catch((e) => e);
    expect(missing.code).toBe('no-password');
    expect(missing.message).toContain('ENOENT');
  });

  it('normalizes to NFKC so the same password typed elsewhere opens the file', async () => {
    const composed = await readPassword({ env: 'P' }, { P: '\u00e9' });
    const decomposed = await readPassword({ env: 'P' }, { P: 'e\u0301' });
    expect(bytesToHex(composed)).toBe(bytesToHex(decomposed));
  });
});

describe('Keystore.rotateIdentity', () => {
  it('replaces the identity key only, keeping password, scrypt cost and mode', async () => {
    const created = await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const before = readFileSync(path);
    const rotated = await Keystore.rotateIdentity(path, PASSWORD);
    const after = readFileSync(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(after.length).toBe(FILE_LEN);
    // Same scrypt parameters as the file had (bytes 9..13), new salt and nonce.
    expect(after.subarray(OFFSETS.kdf, OFFSETS.salt)).toEqual(
      before.subarray(OFFSETS.kdf, OFFSETS.salt),
    );
    expect(
      after
        .subarray(OFFSETS.salt, OFFSETS.check)
        .equals(before.subarray(OFFSETS.salt, OFFSETS.check)),
    ).toBe(false);
    const old = created.publicInfo();
    const info = rotated.publicInfo();
    expect(info.identityKey).not.toBe(old.identityKey);
    expect(info.identityKey).toBe(bytesToHex(schnorr.getPublicKey(rotated.identitySecretKey())));
    expect({ ...info, identityKey: old.identityKey }).toEqual(old);
    expect(bytesToHex(rotated.stacksSecretKey())).toBe(bytesToHex(created.stacksSecretKey()));
    expect(bytesToHex(rotated.stateKey())).toBe(bytesToHex(created.stateKey()));
    // The file holds what was returned, under the same password.
    const reopened = await Keystore.open(path, PASSWORD);
    expect(secretHexes(reopened)).toEqual(secretHexes(rotated));
    // Each rotation is a new key.
    const again = await Keystore.rotateIdentity(path, PASSWORD);
    expect(new Set([old.identityKey, info.identityKey, again.publicInfo().identityKey]).size).toBe(
      3,
    );
  });

  it('a wrong password is refused and the file is untouched', async () => {
    await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const before = readFileSync(path);
    const err = await Keystore.rotateIdentity(path, 'not the password').catch((e) => e);
    expect(err).toBeInstanceOf(KeystoreError);
    expect(err.code).toBe('wrong-password');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(t.dir)).toEqual(['keystore.bin']);
  });

  it('a tampered or missing file is refused before anything is written', async () => {
    await Keystore.create(path, PASSWORD, { scrypt: TEST_SCRYPT });
    const file = readFileSync(path);
    file[OFFSETS.tag]! ^= 1;
    writeFileSync(path, file);
    expect((await Keystore.rotateIdentity(path, PASSWORD).catch((e) => e)).code).toBe('tampered');
    expect(readFileSync(path).equals(file)).toBe(true);
    const missing = join(t.dir, 'absent.bin');
    expect((await Keystore.rotateIdentity(missing, PASSWORD).catch((e) => e)).code).toBe(
      'unreadable',
    );
    expect(readdirSync(t.dir)).toEqual(['keystore.bin']);
  });
});
