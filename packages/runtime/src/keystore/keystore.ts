import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { writeFileAtomic } from '../atomic-file.ts';
import { KeystoreError } from './errors.ts';
import {
  DEFAULT_SCRYPT,
  decodeKeystore,
  encodeKeystore,
  type KeystoreSecrets,
  readParams,
  type ScryptParams,
} from './format.ts';
import { passwordBytes } from './password.ts';
import { stateKeyId } from './state-key-id.ts';

/** File mode of a keystore: owner read/write only. */
export const KEYSTORE_MODE = 0o600;

/** What may be printed about a keystore: public keys and a fingerprint of the state key. */
export type KeystorePublicInfo = {
  /** BIP340 x-only public key of the identity/messaging key, hex (the envelope `sender.publicKey`). */
  identityKey: string;
  /** Compressed secp256k1 public key of the Stacks key, hex. */
  stacksPublicKey: string;
  /** Names the state key without revealing it (see stateKeyId). */
  stateKeyId: string;
};

type Password = string | Uint8Array;

function toPasswordBytes(password: Password): Uint8Array {
  if (typeof password === 'string') return passwordBytes(password);
  if (password.length === 0) throw new KeystoreError('no-password', 'keystore password is empty');
  return password;
}

async function readKeystoreFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new KeystoreError('unreadable', `cannot read keystore ${path} (${code})`);
  }
}

function checkSecrets(s: KeystoreSecrets): void {
  for (const name of ['identity', 'stacks'] as const) {
    if (!(s[name] instanceof Uint8Array) || !secp256k1.utils.isValidSecretKey(s[name])) {
      throw new KeystoreError(
        'invalid-argument',
        `keystore ${name} key is not a valid secp256k1 secret key`,
      );
    }
  }
  if (!(s.state instanceof Uint8Array) || s.state.length !== 32) {
    throw new KeystoreError('invalid-argument', 'keystore state key must be 32 bytes');
  }
}

/**
 * The unlocked keystore of one process. The secrets live in a private field: they are not
 * enumerable, `util.inspect`, `JSON.stringify` and template strings show only the public info,
 * and each accessor returns a fresh copy the caller may wipe.
 */
export class Keystore {
  readonly #secrets: KeystoreSecrets;
  /** The file this keystore was read from or written to. */
  readonly path: string;

  private constructor(path: string, secrets: KeystoreSecrets) {
    this.path = path;
    this.#secrets = secrets;
  }

  /**
   * Creates a new keystore file (refusing to replace an existing one) with fresh random keys,
   * or with `secrets` when importing. The file is written atomically with mode 0600.
   */
  static async create(
    path: string,
    password: Password,
    opts: { scrypt?: ScryptParams; secrets?: KeystoreSecrets } = {},
  ): Promise<Keystore> {
    const secrets = opts.secrets
      ? {
          identity: opts.secrets.identity.slice(),
          stacks: opts.secrets.stacks.slice(),
          state: opts.secrets.state.slice(),
        }
      : {
          identity: secp256k1.utils.randomSecretKey(),
          stacks: secp256k1.utils.randomSecretKey(),
          state: randomBytes(32),
        };
    checkSecrets(secrets);
    const file = await encodeKeystore(
      secrets,
      toPasswordBytes(password),
      opts.scrypt ?? DEFAULT_SCRYPT,
    );
    try {
      await writeFileAtomic(path, file, { mode: KEYSTORE_MODE, exclusive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new KeystoreError(
          'exists',
          `keystore ${path} already exists; refusing to replace it`,
        );
      }
      throw err;
    }
    return new Keystore(path, secrets);
  }

  /** Opens and decrypts a keystore file (errors: see KeystoreErrorCode). */
  static async open(path: string, password: Password): Promise<Keystore> {
    const file = await readKeystoreFile(path);
    const secrets = await decodeKeystore(file, toPasswordBytes(password));
    checkSecrets(secrets);
    return new Keystore(path, secrets);
  }

  /**
   * Re-encrypts the keystore at `path` under a new password (new salt and nonce, same keys),
   * replacing the file atomically. The old password must open it first.
   */
  static async changePassword(
    path: string,
    oldPassword: Password,
    newPassword: Password,
    opts: { scrypt?: ScryptParams } = {},
  ): Promise<Keystore> {
    const ks = await Keystore.open(path, oldPassword);
    const file = await encodeKeystore(
      ks.#secrets,
      toPasswordBytes(newPassword),
      opts.scrypt ?? DEFAULT_SCRYPT,
    );
    await writeFileAtomic(path, file, { mode: KEYSTORE_MODE });
    return ks;
  }

  /**
   * Replaces the identity (messaging) key with a fresh random one and keeps the Stacks key, the
   * state key, the password and the file's scrypt cost. The file is replaced atomically like
   * `changePassword` (a crash leaves the old or the new version). The old key is not kept: peers
   * learn the new one from a `key-announcement` signed with the registered Stacks key. A wrong
   * password changes nothing. Returns the keystore with the new key.
   */
  static async rotateIdentity(path: string, password: Password): Promise<Keystore> {
    const file = await readKeystoreFile(path);
    const pw = toPasswordBytes(password);
    const old = await decodeKeystore(file, pw);
    checkSecrets(old);
    const secrets = {
      identity: secp256k1.utils.randomSecretKey(),
      stacks: old.stacks,
      state: old.state,
    };
    old.identity.fill(0);
    // Same cost as the file had: rotating must not silently change the operator's choice.
    const next = await encodeKeystore(secrets, pw, readParams(file));
    await writeFileAtomic(path, next, { mode: KEYSTORE_MODE });
    return new Keystore(path, secrets);
  }

  /** Copy of the BIP340 identity/messaging secret key. */
  identitySecretKey(): Uint8Array {
    return this.#secrets.identity.slice();
  }

  /** Copy of the Stacks secret key. */
  stacksSecretKey(): Uint8Array {
    return this.#secrets.stacks.slice();
  }

  /** Copy of the state-encryption key. */
  stateKey(): Uint8Array {
    return this.#secrets.state.slice();
  }

  /** The printable public forms of the keys. */
  publicInfo(): KeystorePublicInfo {
    return {
      identityKey: bytesToHex(schnorr.getPublicKey(this.#secrets.identity)),
      stacksPublicKey: bytesToHex(secp256k1.getPublicKey(this.#secrets.stacks, true)),
      stateKeyId: stateKeyId(this.#secrets.state),
    };
  }

  toJSON(): KeystorePublicInfo & { path: string } {
    return { path: this.path, ...this.publicInfo() };
  }

  toString(): string {
    return `Keystore(${this.path}, identity ${this.publicInfo().identityKey})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** Overwrites the secrets in memory; the keystore is unusable afterwards. */
  wipe(): void {
    this.#secrets.identity.fill(0);
    this.#secrets.stacks.fill(0);
    this.#secrets.state.fill(0);
  }
}
