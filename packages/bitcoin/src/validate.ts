import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import { parseWithdrawalIdsScript } from './op-return.ts';
import { buildSweep } from './sweep.ts';
import type { Sweep, SweepOutput, SweepParams } from './types.ts';

type OutputRole = SweepOutput['kind'];

/** One way a proposed sweep differs from the one the parameters give. */
export type SweepMismatch =
  | { kind: 'rebuild-failed'; detail: string }
  | { kind: 'unparseable'; detail: string }
  | { kind: 'non-canonical-encoding' }
  | { kind: 'has-witness' }
  | { kind: 'version'; expected: number; actual: number }
  | { kind: 'lock-time'; expected: number; actual: number }
  | { kind: 'input-count'; expected: number; actual: number }
  | { kind: 'input-outpoint'; index: number; expected: string; actual: string }
  | { kind: 'input-sequence'; index: number; expected: number; actual: number }
  | { kind: 'input-script-sig'; index: number }
  | { kind: 'output-count'; expected: number; actual: number }
  | {
      kind: 'output-script';
      index: number;
      role: OutputRole;
      requestId?: bigint;
      expected: string;
      actual: string;
      /** For the OP_RETURN: the ids each script names, when they can be read. */
      detail?: string;
    }
  | {
      kind: 'output-amount';
      index: number;
      role: OutputRole;
      requestId?: bigint;
      expected: bigint;
      actual: bigint;
    }
  | { kind: 'bytes-differ' };

/** Outcome of `validateSweep`: the rebuilt sweep when parameters allow one, and every mismatch. */
export type SweepValidation =
  | { ok: true; sweep: Sweep; mismatches: readonly [] }
  | { ok: false; sweep: Sweep | undefined; mismatches: readonly SweepMismatch[] };

function describeIds(expected: readonly bigint[], actual: Uint8Array): string {
  let named: string;
  try {
    named = `ids [${parseWithdrawalIdsScript(actual).join(', ')}]`;
  } catch (e) {
    named = `no readable ids (${e instanceof Error ? e.message : String(e)})`;
  }
  return `expected ids [${expected.join(', ')}], got ${named}`;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Check that `tx` (unsigned, bytes or hex) is exactly the sweep `expected` builds, and explain
 * every difference. A signer calls this with the parameters it derived itself (its own view
 * of UTXOs, accepted requests, fee rate and wallet key) before signing any sighash.
 */
export function validateSweep(tx: Uint8Array | string, expected: SweepParams): SweepValidation {
  let sweep: Sweep;
  try {
    sweep = buildSweep(expected);
  } catch (e) {
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { ok: false, sweep: undefined, mismatches: [{ kind: 'rebuild-failed', detail }] };
  }
  let bytes: Uint8Array;
  let raw: ReturnType<typeof RawTx.decode>;
  try {
    bytes = typeof tx === 'string' ? hex.decode(tx) : tx;
    raw = RawTx.decode(bytes);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, sweep, mismatches: [{ kind: 'unparseable', detail }] };
  }
  if (equalBytes(bytes, sweep.unsignedTx)) return { ok: true, sweep, mismatches: [] };

  const m: SweepMismatch[] = [];
  if (!equalBytes(RawTx.encode(raw), bytes)) m.push({ kind: 'non-canonical-encoding' });
  if (raw.segwitFlag || raw.witnesses !== undefined) m.push({ kind: 'has-witness' });
  const want = RawTx.decode(sweep.unsignedTx);
  if (raw.version !== want.version) {
    m.push({ kind: 'version', expected: want.version, actual: raw.version });
  }
  if (raw.lockTime !== want.lockTime) {
    m.push({ kind: 'lock-time', expected: want.lockTime, actual: raw.lockTime });
  }
  if (raw.inputs.length !== want.inputs.length) {
    m.push({ kind: 'input-count', expected: want.inputs.length, actual: raw.inputs.length });
  }
  for (const [index, w] of want.inputs.entries()) {
    const a = raw.inputs[index];
    if (!a) break;
    const expectedOp = `${hex.encode(w.txid)}:${w.index}`;
    const actualOp = `${hex.encode(a.txid)}:${a.index}`;
    if (expectedOp !== actualOp) {
      m.push({ kind: 'input-outpoint', index, expected: expectedOp, actual: actualOp });
    }
    if (a.sequence !== w.sequence) {
      m.push({ kind: 'input-sequence', index, expected: w.sequence, actual: a.sequence });
    }
    if (a.finalScriptSig.length !== 0) m.push({ kind: 'input-script-sig', index });
  }
  if (raw.outputs.length !== want.outputs.length) {
    m.push({ kind: 'output-count', expected: want.outputs.length, actual: raw.outputs.length });
  }
  for (const [index, w] of sweep.outputs.entries()) {
    const a = raw.outputs[index];
    if (!a) break;
    const requestId = w.kind === 'withdrawal' ? { requestId: w.requestId } : {};
    if (!equalBytes(a.script, w.script)) {
      m.push({
        kind: 'output-script',
        index,
        role: w.kind,
        ...requestId,
        expected: hex.encode(w.script),
        actual: hex.encode(a.script),
        ...(w.kind === 'op-return' ? { detail: describeIds(w.ids, a.script) } : {}),
      });
    }
    if (a.amount !== w.amount) {
      m.push({
        kind: 'output-amount',
        index,
        role: w.kind,
        ...requestId,
        expected: w.amount,
        actual: a.amount,
      });
    }
  }
  // Field-by-field agreement with different bytes cannot happen for a canonical encoding,
  // but the verdict must never be "ok" unless the bytes are identical.
  if (m.length === 0) m.push({ kind: 'bytes-differ' });
  return { ok: false, sweep, mismatches: m };
}
