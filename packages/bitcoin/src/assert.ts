// Boundary checks with noble-style messages: `"<field>" expected <what>, got <what>`.

/** Largest amount that can exist: 21 million BTC in sats. */
export const MAX_MONEY = 2_100_000_000_000_000n;

function describe(v: unknown): string {
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return `string(${v.length})`;
  return typeof v === 'number' ? String(v) : typeof v;
}

export function assertBytes(v: unknown, field: string, length?: number): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array) || (length !== undefined && v.length !== length)) {
    const what = length === undefined ? 'Uint8Array' : `Uint8Array(${length})`;
    throw new TypeError(`"${field}" expected ${what}, got ${describe(v)}`);
  }
}

export function assertSats(v: unknown, field: string): asserts v is bigint {
  if (typeof v !== 'bigint') throw new TypeError(`"${field}" expected bigint, got ${describe(v)}`);
  if (v < 0n || v > MAX_MONEY) {
    throw new RangeError(`"${field}" expected 0..${MAX_MONEY} sats, got ${v}`);
  }
}

export function assertUint(v: unknown, field: string, max: number): asserts v is number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new RangeError(`"${field}" expected integer 0..${max}, got ${describe(v)}`);
  }
}

const TXID_RE = /^[0-9a-f]{64}$/;

export function assertTxid(v: unknown, field: string): asserts v is string {
  if (typeof v !== 'string' || !TXID_RE.test(v)) {
    throw new TypeError(`"${field}" expected 64 lowercase hex chars, got ${describe(v)}`);
  }
}
