import { type ClarityValue, deserializeCV } from '@stacks/transactions';
import { ClarityDecodeError } from './errors.ts';

// Strict readers of Clarity values: each names the path it was reading when the type is wrong,
// so a contract whose shape drifted from ours fails loudly instead of yielding undefined.

/** Deserializes a node's `0x`-prefixed (or bare) hex Clarity value. */
export function decodeHex(hex: string, path = '(value)'): ClarityValue {
  try {
    return deserializeCV(hex.startsWith('0x') ? hex.slice(2) : hex);
  } catch (cause) {
    throw new ClarityDecodeError(
      path,
      'a serialized Clarity value',
      `undecodable hex (${String(cause)})`,
    );
  }
}

export function uintOf(cv: ClarityValue, path: string): bigint {
  if (cv.type !== 'uint') throw new ClarityDecodeError(path, 'uint', cv.type);
  return BigInt(cv.value);
}

export function boolOf(cv: ClarityValue, path: string): boolean {
  if (cv.type === 'true') return true;
  if (cv.type === 'false') return false;
  throw new ClarityDecodeError(path, 'bool', cv.type);
}

/** A buffer as lowercase hex without `0x`. */
export function bufferOf(cv: ClarityValue, path: string): string {
  if (cv.type !== 'buffer') throw new ClarityDecodeError(path, 'buffer', cv.type);
  return cv.value.toLowerCase();
}

export function stringOf(cv: ClarityValue, path: string): string {
  if (cv.type !== 'ascii' && cv.type !== 'utf8')
    throw new ClarityDecodeError(path, 'string', cv.type);
  return cv.value;
}

/** A standard (`ST...`) or contract (`ST....name`) principal as text. */
export function principalOf(cv: ClarityValue, path: string): string {
  if (cv.type !== 'address' && cv.type !== 'contract') {
    throw new ClarityDecodeError(path, 'principal', cv.type);
  }
  return cv.value;
}

export function listOf<T>(
  cv: ClarityValue,
  path: string,
  item: (cv: ClarityValue, path: string) => T,
): T[] {
  if (cv.type !== 'list') throw new ClarityDecodeError(path, 'list', cv.type);
  return cv.value.map((v, i) => item(v, `${path}[${i}]`));
}

/** `none` as undefined, `(some x)` as `inner(x)`. */
export function optionalOf<T>(
  cv: ClarityValue,
  path: string,
  inner: (cv: ClarityValue, path: string) => T,
): T | undefined {
  if (cv.type === 'none') return undefined;
  if (cv.type === 'some') return inner(cv.value, path);
  throw new ClarityDecodeError(path, 'optional', cv.type);
}

/** The fields of a tuple; reading a missing one throws. */
export function tupleOf(cv: ClarityValue, path: string): (name: string) => ClarityValue {
  if (cv.type !== 'tuple') throw new ClarityDecodeError(path, 'tuple', cv.type);
  const data = cv.value;
  return (name) => {
    const field = data[name];
    if (field === undefined)
      throw new ClarityDecodeError(`${path}.${name}`, 'a tuple field', 'nothing');
    return field;
  };
}

/**
 * Reverses the bytes of a hex string: Bitcoin txids are displayed (RPC, explorers) in the reverse
 * of the hash's own byte order, which is the order contracts store.
 */
export function reverseHex(hex: string): string {
  return (hex.match(/../g) ?? []).reverse().join('');
}
