import { RPC_INVALID_PARAMETER, RPC_TYPE_ERROR, RpcError } from './errors.ts';

/**
 * JSON-RPC `params` as the method's positional arguments. An object is `bitcoin-cli -named`
 * style: each key is one of the method's Core parameter names (`a|b` lists aliases), placed at
 * its position, gaps left null; an unknown or repeated name is Core's error.
 */
export function positionalParams(
  method: string,
  names: readonly string[],
  params: unknown,
): unknown[] {
  if (params === undefined || params === null) return [];
  if (Array.isArray(params)) return params;
  if (typeof params !== 'object')
    throw new RpcError(RPC_INVALID_PARAMETER, `${method}: params must be an array or an object`);
  const args: unknown[] = [];
  const given = new Set<number>();
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    const position = names.findIndex((name) => name.split('|').includes(key));
    if (position < 0) throw new RpcError(RPC_INVALID_PARAMETER, `Unknown named parameter ${key}`);
    if (given.has(position))
      throw new RpcError(RPC_INVALID_PARAMETER, `Parameter ${key} specified multiple times`);
    given.add(position);
    args[position] = value;
  }
  return Array.from(args, (value) => value ?? null);
}

const absent = (value: unknown) => value === undefined || value === null;

/** An integer argument; `fallback` when absent (Core's defaults), else a type error. */
export function int(value: unknown, name: string, fallback?: number): number {
  if (absent(value)) {
    if (fallback !== undefined) return fallback;
    throw new RpcError(RPC_TYPE_ERROR, `Missing ${name}`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new RpcError(RPC_TYPE_ERROR, `${name} must be an integer`);
  return value;
}

export function str(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new RpcError(RPC_TYPE_ERROR, `${name} must be a string`);
  return value;
}

/** A 32-byte hash in hex (txid, block hash), lower-cased. */
export function hash(value: unknown, name: string): string {
  const text = str(value, name);
  if (!/^[0-9a-fA-F]{64}$/.test(text))
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be of length 64 (hex)`);
  return text.toLowerCase();
}

/** A boolean argument; `fallback` when absent. */
export function bool(value: unknown, name: string, fallback: boolean): boolean {
  if (absent(value)) return fallback;
  if (typeof value !== 'boolean') throw new RpcError(RPC_TYPE_ERROR, `${name} must be a boolean`);
  return value;
}
