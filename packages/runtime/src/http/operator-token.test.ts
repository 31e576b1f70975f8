import { describe, expect, test } from 'vitest';
import {
  assertOperatorToken,
  generateOperatorToken,
  OPERATOR_TOKEN_MIN_LENGTH,
  operatorTokenMatcher,
} from './operator-token.ts';

const token = 'op-token-0123456789abcdefghijklmnopqrstuv';

describe('operator token', () => {
  test('matches exactly `Bearer <token>` (scheme case-insensitive)', () => {
    const matches = operatorTokenMatcher(token);
    expect(matches(`Bearer ${token}`)).toBe(true);
    expect(matches(`bearer ${token}`)).toBe(true);
    expect(matches(undefined)).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches(token)).toBe(false);
    expect(matches(`Basic ${token}`)).toBe(false);
    expect(matches(`Bearer  ${token}`)).toBe(false);
    expect(matches(`Bearer ${token} `)).toBe(false);
    expect(matches(`Bearer ${token}x`)).toBe(false);
    expect(matches(`Bearer ${token.slice(0, -1)}`)).toBe(false);
    expect(matches(`Bearer ${token.slice(0, -1)}w`)).toBe(false);
    expect(matches(`Bearer ${'x'.repeat(10_000)}`)).toBe(false);
  });

  test('weak or unusable tokens are refused at build, without echoing them', () => {
    const short = 'x'.repeat(OPERATOR_TOKEN_MIN_LENGTH - 1);
    expect(() => assertOperatorToken(short)).toThrow(/expected 32\.\.512 characters, got 31/);
    expect(() => operatorTokenMatcher(short)).toThrow(RangeError);
    try {
      assertOperatorToken(`${'s'.repeat(40)} secret`);
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('secret');
    }
    expect(() => assertOperatorToken('y'.repeat(513))).toThrow(RangeError);
    expect(() => assertOperatorToken(`${'z'.repeat(40)}é`)).toThrow(RangeError);
  });

  test('generated tokens are valid and distinct', () => {
    const a = generateOperatorToken();
    const b = generateOperatorToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(() => assertOperatorToken(a)).not.toThrow();
  });
});
