import { Script } from '@scure/btc-signer';

/** Magic of our OP_RETURN payload: ASCII "PG". */
export const OP_RETURN_MAGIC = new Uint8Array([0x50, 0x47]);
/** Layout version of the payload. */
export const OP_RETURN_VERSION = 1;
/** Largest standard OP_RETURN payload (Bitcoin Core's historic 83-byte datacarrier script). */
export const MAX_OP_RETURN_PAYLOAD = 80;

/** Bytes before the ids: magic and version. */
export const OP_RETURN_HEADER_LENGTH = 3;

/** Length of the unsigned LEB128 encoding of n. */
export function leb128Length(n: bigint): number {
  let len = 1;
  for (let v = n >> 7n; v !== 0n; v >>= 7n) len++;
  return len;
}

function leb128(n: bigint, out: number[]): void {
  let v = n;
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? byte : byte | 0x80);
  } while (v !== 0n);
}

/**
 * Payload naming the withdrawal ids, in output order:
 * `"PG"` (2 bytes) ‖ version 0x01 ‖ LEB128(id[0]) ‖ LEB128(id[1] − id[0]) ‖ … ‖ LEB128(id[n−1] − id[n−2]).
 * Ids must be strictly increasing, so every delta is >= 1.
 */
export function encodeWithdrawalIds(ids: readonly bigint[]): Uint8Array {
  const out: number[] = [...OP_RETURN_MAGIC, OP_RETURN_VERSION];
  let prev = -1n;
  for (const [i, id] of ids.entries()) {
    if (typeof id !== 'bigint' || id < 0n || id <= prev) {
      throw new RangeError(`"ids[${i}]" expected a uint greater than ${prev}, got ${id}`);
    }
    leb128(i === 0 ? id : id - prev, out);
    prev = id;
  }
  return Uint8Array.from(out);
}

/** Inverse of `encodeWithdrawalIds`; refuses any non-canonical or truncated payload. */
export function decodeWithdrawalIds(payload: Uint8Array): bigint[] {
  if (
    payload.length < 3 ||
    payload[0] !== OP_RETURN_MAGIC[0] ||
    payload[1] !== OP_RETURN_MAGIC[1] ||
    payload[2] !== OP_RETURN_VERSION
  ) {
    throw new RangeError('"payload" expected "PG" magic and version 1');
  }
  const ids: bigint[] = [];
  let pos = 3;
  let prev = 0n;
  while (pos < payload.length) {
    let value = 0n;
    let shift = 0n;
    let byte: number;
    const start = pos;
    do {
      if (pos >= payload.length) throw new RangeError(`"payload" truncated LEB128 at ${start}`);
      byte = payload[pos++]!;
      value |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (byte === 0 && pos - start > 1) {
      throw new RangeError(`"payload" non-minimal LEB128 at ${start}`);
    }
    if (ids.length > 0 && value === 0n) throw new RangeError(`"payload" zero delta at ${start}`);
    prev = ids.length === 0 ? value : prev + value;
    ids.push(prev);
  }
  return ids;
}

/** The OP_RETURN output script for these ids (minimal push of the payload). */
export function withdrawalIdsScript(ids: readonly bigint[]): Uint8Array {
  return Script.encode(['RETURN', encodeWithdrawalIds(ids)]);
}

/** Ids named by an OP_RETURN script built by `withdrawalIdsScript`; throws on anything else. */
export function parseWithdrawalIdsScript(script: Uint8Array): bigint[] {
  const ops = (() => {
    try {
      return Script.decode(script);
    } catch {
      // e.g. a push running past the end: not a script at all, so not our layout either
      throw new RangeError('"script" expected OP_RETURN <payload>');
    }
  })();
  const data = ops[1];
  if (ops.length !== 2 || ops[0] !== 'RETURN' || !(data instanceof Uint8Array)) {
    throw new RangeError('"script" expected OP_RETURN <payload>');
  }
  const ids = decodeWithdrawalIds(data);
  // Script.decode accepts non-minimal pushes; only the canonical form is ours.
  const canonical = withdrawalIdsScript(ids);
  if (canonical.length !== script.length || !canonical.every((b, i) => b === script[i])) {
    throw new RangeError('"script" is not the canonical encoding of its ids');
  }
  return ids;
}
