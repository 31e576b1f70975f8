import type { StacksTxRecord } from './chain.ts';

/** Which transactions concern a principal, and how, as the Stacks API's address views count them. */

type Asset = { sender?: string; recipient?: string; amount?: string; asset_event_type?: string };

const assetOf = (e: Record<string, unknown>) => (e.asset ?? {}) as Asset;

/**
 * True when `principal` sent the transaction, receives its STX transfer, is the contract it calls
 * or deploys, or sends or receives an asset in its events.
 */
export function involves(record: StacksTxRecord, principal: string): boolean {
  if (record.sender === principal) return true;
  const p = record.payload;
  if (p.kind === 'token_transfer' && p.recipient === principal) return true;
  if (p.kind === 'contract_call' && p.contractId === principal) return true;
  if (p.kind === 'smart_contract' && `${record.sender}.${p.contractName}` === principal)
    return true;
  return record.events.some((e) => {
    const a = assetOf(e);
    return a.sender === principal || a.recipient === principal;
  });
}

type Counts = { transfer: number; mint: number; burn: number };
const zero = (): Counts => ({ transfer: 0, mint: 0, burn: 0 });

/**
 * One row of `/extended/v2/addresses/{p}/transactions`: STX sent (the fee included when the
 * principal paid it) and received, and how many asset events of each kind touch the principal.
 */
export function addressTxSummary(
  record: StacksTxRecord,
  principal: string,
): { stx_sent: string; stx_received: string; events: Record<'stx' | 'ft' | 'nft', Counts> } {
  let sent = record.sender === principal ? record.fee : 0n;
  let received = 0n;
  const events = { stx: zero(), ft: zero(), nft: zero() };
  for (const e of record.events) {
    const kind =
      e.event_type === 'stx_asset'
        ? 'stx'
        : e.event_type === 'fungible_token_asset'
          ? 'ft'
          : e.event_type === 'non_fungible_token_asset'
            ? 'nft'
            : undefined;
    if (!kind) continue;
    const a = assetOf(e);
    if (a.sender !== principal && a.recipient !== principal) continue;
    const type = a.asset_event_type as keyof Counts;
    if (type in events[kind]) events[kind][type] += 1;
    if (kind === 'stx') {
      if (a.sender === principal) sent += BigInt(a.amount ?? 0);
      if (a.recipient === principal) received += BigInt(a.amount ?? 0);
    }
  }
  return { stx_sent: sent.toString(), stx_received: received.toString(), events };
}
