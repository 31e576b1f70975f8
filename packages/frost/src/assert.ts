/**
 * Tiny argument checks in the noble style: a wrong type throws `TypeError`, a wrong length or
 * range throws `RangeError`, and the message names the field but never prints its bytes
 * (arguments may be secrets).
 * @module
 */

/** Throws unless `value` is a Uint8Array (of `length`, when given). */
export function abytes(value: unknown, title: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new TypeError(`"${title}" expected Uint8Array, got ${typeName(value)}`);
  if (length !== undefined && value.length !== length)
    throw new RangeError(
      `"${title}" expected Uint8Array of length ${length}, got length=${value.length}`,
    );
  return value;
}

/** Throws unless `value` is an array. */
export function aarray<T>(value: readonly T[] | unknown, title: string): readonly T[] {
  if (!Array.isArray(value))
    throw new TypeError(`"${title}" expected array, got ${typeName(value)}`);
  return value as readonly T[];
}

/** Throws unless `value` is a non-null object (and not an array). */
export function aobject(value: unknown, title: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`"${title}" expected object, got ${typeName(value)}`);
  return value as Record<string, unknown>;
}

/** Throws unless `value` is a string. */
export function astring(value: unknown, title: string): string {
  if (typeof value !== 'string')
    throw new TypeError(`"${title}" expected string, got ${typeName(value)}`);
  return value;
}

/** Throws unless `value` is a safe integer in [min, max]. */
export function ainteger(value: unknown, title: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`"${title}" expected integer, got ${typeName(value)}`);
  if (value < min || value > max)
    throw new RangeError(`"${title}" expected integer in ${min}..${max}, got ${value}`);
  return value;
}

/** Throws unless `value` is a function. */
export function afunction(value: unknown, title: string): void {
  if (typeof value !== 'function')
    throw new TypeError(`"${title}" expected function, got ${typeName(value)}`);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  return `type=${typeof value}`;
}
