/**
 * The keystore file, byte by byte (see docs/runtime.md). Everything before the ciphertext is the
 * header; the whole header is the AEAD's associated data, so no header byte can be changed
 * without the decryption failing.
 *
 * | offset | size | field |
 * | 0   | 8   | magic `PEGKEYS\0` |
 * | 8   | 1   | format version (1) |
 * | 9   | 1   | KDF (1 = scrypt) |
 * | 10  | 1   | scrypt log2(N) |
 * | 11  | 1   | scrypt r |
 * | 12  | 1   | scrypt p |
 * | 13  | 16  | salt |
 * | 29  | 24  | XChaCha20-Poly1305 nonce |
 * | 53  | 32  | password check: BIP340 taggedHash("peg/keystore/check/v1", checkKey) |
 * | 85  | 32  | header checksum: SHA-256 of bytes 0..85 |
 * | 117 | 112 | ciphertext of the three 32-byte secrets, then the 16-byte tag |
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { schnorr } from '@noble/curves/secp256k1.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { KeystoreError } from './errors.ts';

export const MAGIC = new Uint8Array([0x50, 0x45, 0x47, 0x4b, 0x45, 0x59, 0x53, 0x00]); // PEGKEYS\0
export const FORMAT_VERSION = 1;
export const KDF_SCRYPT = 1;
const CHECK_TAG = 'peg/keystore/check/v1';

const SALT_LEN = 16;
const NONCE_LEN = 24;
const SECRETS_LEN = 3 * 32;
const TAG_LEN = 16;
export const OFFSETS = {
  magic: 0,
  version: 8,
  kdf: 9,
  log2N: 10,
  r: 11,
  p: 12,
  salt: 13,
  nonce: 29,
  check: 53,
  checksum: 85,
  ciphertext: 117,
  tag: 117 + SECRETS_LEN,
} as const;
const CHECKED_HEADER_LEN = OFFSETS.checksum;
export const HEADER_LEN = OFFSETS.ciphertext;
export const FILE_LEN = HEADER_LEN + SECRETS_LEN + TAG_LEN;

/** scrypt cost; recorded in the header so a file stays readable when the defaults change. */
export type ScryptParams = { log2N: number; r: number; p: number };

/** About 3 s and 128 MiB on a shared 2-core machine: paid once per process start. */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 17, r: 8, p: 1 };
/** Accepted ranges, also when reading a file (a file asking for 2^30 is refused, not run). */
export const SCRYPT_LIMITS = { log2N: [10, 22], r: [1, 16], p: [1, 4] } as const;

/** The three secrets a keystore holds, 32 bytes each. */
export type KeystoreSecrets = {
  /** BIP340 secret key: the identity and messaging key (envelopes, relay authentication). */
  identity: Uint8Array;
  /** secp256k1 secret key of the operator's Stacks account (multisig co-signing). */
  stacks: Uint8Array;
  /** Symmetric key that encrypts the machine state at rest (XChaCha20-Poly1305). */
  state: Uint8Array;
};

export function checkScryptParams(p: ScryptParams): void {
  for (const name of ['log2N', 'r', 'p'] as const) {
    const [lo, hi] = SCRYPT_LIMITS[name];
    const v = p[name];
    if (!Number.isInteger(v) || v < lo || v > hi) {
      throw new KeystoreError(
        'unsupported',
        `keystore scrypt ${name}=${v} is outside the supported range ${lo}..${hi}`,
      );
    }
  }
}

/** 64 bytes from the password: the AEAD key, then the key whose hash is the password check. */
async function deriveKeys(
  password: Uint8Array,
  salt: Uint8Array,
  p: ScryptParams,
): Promise<{ aeadKey: Uint8Array; check: Uint8Array; wipe: () => void }> {
  const out = await scryptAsync(password, salt, { N: 2 ** p.log2N, r: p.r, p: p.p, dkLen: 64 });
  const aeadKey = out.subarray(0, 32);
  const check = schnorr.utils.taggedHash(CHECK_TAG, out.subarray(32, 64));
  return { aeadKey, check, wipe: () => out.fill(0) };
}

/** Encrypts the secrets under a password into a complete keystore file. */
export async function encodeKeystore(
  secrets: KeystoreSecrets,
  password: Uint8Array,
  params: ScryptParams,
): Promise<Uint8Array> {
  checkScryptParams(params);
  const salt = randomBytes(SALT_LEN);
  const nonce = randomBytes(NONCE_LEN);
  const keys = await deriveKeys(password, salt, params);
  try {
    const fixed = concatBytes(
      MAGIC,
      new Uint8Array([FORMAT_VERSION, KDF_SCRYPT, params.log2N, params.r, params.p]),
      salt,
      nonce,
      keys.check,
    );
    const header = concatBytes(fixed, sha256(fixed));
    const plain = concatBytes(secrets.identity, secrets.stacks, secrets.state);
    const sealed = xchacha20poly1305(keys.aeadKey, nonce, header).encrypt(plain);
    plain.fill(0);
    return concatBytes(header, sealed);
  } finally {
    keys.wipe();
  }
}

/** The scrypt parameters a file records (after checking its framing). */
export function readParams(file: Uint8Array): ScryptParams {
  checkFraming(file);
  return { log2N: file[OFFSETS.log2N]!, r: file[OFFSETS.r]!, p: file[OFFSETS.p]! };
}

// Cheap checks that need no password, each with its own message.
function checkFraming(file: Uint8Array): void {
  if (file.length < MAGIC.length && equalBytes(file, MAGIC.subarray(0, file.length))) {
    throw new KeystoreError(
      'truncated',
      `keystore file is truncated: ${file.length} bytes, expected ${FILE_LEN}`,
    );
  }
  if (file.length < MAGIC.length || !equalBytes(file.subarray(0, MAGIC.length), MAGIC)) {
    throw new KeystoreError('not-a-keystore', 'not a peg keystore file (bad magic bytes)');
  }
  if (file.length < HEADER_LEN) {
    throw new KeystoreError(
      'truncated',
      `keystore file is truncated: ${file.length} bytes, expected ${FILE_LEN}`,
    );
  }
  if (
    !equalBytes(
      sha256(file.subarray(0, CHECKED_HEADER_LEN)),
      file.subarray(OFFSETS.checksum, HEADER_LEN),
    )
  ) {
    throw new KeystoreError(
      'tampered',
      'keystore header is corrupt or was modified (checksum mismatch)',
    );
  }
  if (file[OFFSETS.version] !== FORMAT_VERSION) {
    throw new KeystoreError(
      'unsupported',
      `keystore format version ${file[OFFSETS.version]} is not supported`,
    );
  }
  if (file[OFFSETS.kdf] !== KDF_SCRYPT) {
    throw new KeystoreError('unsupported', `keystore KDF ${file[OFFSETS.kdf]} is not supported`);
  }
  if (file.length !== FILE_LEN) {
    throw new KeystoreError(
      file.length < FILE_LEN ? 'truncated' : 'tampered',
      file.length < FILE_LEN
        ? `keystore file is truncated: ${file.length} bytes, expected ${FILE_LEN}`
        : `keystore file has ${file.length - FILE_LEN} unexpected trailing bytes`,
    );
  }
  checkScryptParams({ log2N: file[OFFSETS.log2N]!, r: file[OFFSETS.r]!, p: file[OFFSETS.p]! });
}

/**
 * Decrypts a keystore file. Distinct errors: not a keystore, truncated, header corrupt, wrong
 * password (the header is intact but the password check differs), tampered body (the password
 * check matched but the AEAD refused). The checksum and the password check only make the message
 * precise; what protects the secrets is the AEAD over the whole header and body.
 */
export async function decodeKeystore(
  file: Uint8Array,
  password: Uint8Array,
): Promise<KeystoreSecrets> {
  const params = readParams(file);
  const header = file.subarray(0, HEADER_LEN);
  const keys = await deriveKeys(password, file.subarray(OFFSETS.salt, OFFSETS.nonce), params);
  try {
    if (!equalBytes(keys.check, file.subarray(OFFSETS.check, OFFSETS.checksum))) {
      throw new KeystoreError('wrong-password', 'wrong keystore password');
    }
    let plain: Uint8Array;
    try {
      plain = xchacha20poly1305(
        keys.aeadKey,
        file.subarray(OFFSETS.nonce, OFFSETS.check),
        header,
      ).decrypt(file.subarray(HEADER_LEN));
    } catch {
      throw new KeystoreError(
        'tampered',
        'keystore contents are corrupt or were modified (authentication failed)',
      );
    }
    const secrets = {
      identity: plain.slice(0, 32),
      stacks: plain.slice(32, 64),
      state: plain.slice(64, 96),
    };
    plain.fill(0);
    return secrets;
  } finally {
    keys.wipe();
  }
}
