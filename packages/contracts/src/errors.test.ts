import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_NAMES,
  type ContractName,
  contractSourcePath,
  decodeBatchError,
  errorName,
  manifestPath,
  REGISTRY_ERRORS,
  TOKEN_ERRORS,
  WITHDRAWAL_ERRORS,
} from './index.ts';

describe('error tables', () => {
  it('match the constants in the Clarity sources', () => {
    const constants = (name: ContractName) =>
      new Map(
        [
          ...readFileSync(contractSourcePath(name), 'utf8').matchAll(
            /\(define-constant ERR_(\w+) \(err u(\d+)\)\)/g,
          ),
        ].map((m) => [m[1]!, Number(m[2])]),
      );
    const registry = constants(CONTRACT_NAMES.registry);
    expect(Object.fromEntries(registry)).toEqual(REGISTRY_ERRORS);
    const withdrawal = constants(CONTRACT_NAMES.withdrawal);
    const { WITHDRAWAL_INDEX_PREFIX, ...plain } = WITHDRAWAL_ERRORS;
    expect(Object.fromEntries(withdrawal)).toEqual(plain);
    expect(readFileSync(contractSourcePath(CONTRACT_NAMES.withdrawal), 'utf8')).toContain(
      `(define-constant ERR_WITHDRAWAL_INDEX_PREFIX u${WITHDRAWAL_INDEX_PREFIX})`,
    );
    const token = constants(CONTRACT_NAMES.token);
    const { INSUFFICIENT_BALANCE, SENDER_IS_RECIPIENT, NON_POSITIVE_AMOUNT, ...own } = TOKEN_ERRORS;
    expect(Object.fromEntries(token)).toEqual(own);
  });

  it('decode batch errors and name codes', () => {
    expect(decodeBatchError(507_002_505)).toEqual({ index: 2, code: 505 });
    expect(decodeBatchError(507_000_001n)).toEqual({ index: 0, code: 1 });
    expect(decodeBatchError(505)).toBeUndefined();
    expect(decodeBatchError(508_000_000)).toBeUndefined();
    expect(errorName(402)).toBe('AGG_PUBKEY_REPLAY');
    expect(errorName(507_599_506)).toBe('WITHDRAWAL_INDEX[599]:FEE_TOO_HIGH');
    expect(errorName(999)).toBeUndefined();
  });
});

describe('paths', () => {
  it('resolve to the package files', () => {
    expect(existsSync(manifestPath)).toBe(true);
    for (const name of Object.values(CONTRACT_NAMES))
      expect(existsSync(contractSourcePath(name))).toBe(true);
    expect(() => contractSourcePath('nope' as ContractName)).toThrow(RangeError);
  });
});
