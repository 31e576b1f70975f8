/**
 * Decoding a proposed Stacks transaction: one byte string per transaction, so what a signer
 * checked is exactly what it signs.
 * @module
 */
import { deserializeTransaction, type StacksTransactionWire } from '@stacks/transactions';

const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * The transaction `txHex` (lowercase hex, no `0x`) encodes, or undefined when it is not hex,
 * does not decode, or does not encode back to the same bytes (stacks.js ignores bytes left
 * over after the payload: a signer must not sign what it did not read).
 */
export function decodeTransaction(txHex: string): StacksTransactionWire | undefined {
  if (typeof txHex !== 'string' || !HEX.test(txHex)) return undefined;
  try {
    const tx = deserializeTransaction(txHex);
    return tx.serialize() === txHex ? tx : undefined;
  } catch {
    return undefined;
  }
}
