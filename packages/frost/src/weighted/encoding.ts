/**
 * Byte encodings of the weighted layer (docs/protocol/crypto.md): points 33-byte compressed
 * (65-byte uncompressed only for DKG commitment vectors), scalars 32-byte big-endian and < n
 * (`encodeScalar` / `decodeScalar` of the math layer), ids uint32 big-endian and ≥ 1.
 * Decoders are strict: they reject, never reduce or repair.
 * @module
 */

/** True for a party or key id: an integer in [1, 2^32 − 1]. */
export function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 0xffffffff;
}

/** uint32 big-endian; throws instead of wrapping (DataView would encode −1 as 2^32 − 1). */
export function u32(id: number): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff)
    throw new RangeError(`${String(id)} is not a u32`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, id, false);
  return out;
}

/** Reads a uint32 big-endian at `offset`. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}
