import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import {
  AddressHashMode,
  createSingleSigSpendingCondition,
  createStandardAuth,
  createTokenTransferPayload,
  getAddressFromPrivateKey,
  PostConditionMode,
  privateKeyToPublic,
  StacksTransactionWire,
  TransactionSigner,
} from '@stacks/transactions';

/**
 * The STX faucet's key: fixed and public (derived from a label, like the Bitcoin faucet's), so
 * its transfers are real signed transactions anyone can check. Devnet only: it holds nothing
 * anywhere else.
 */
export const STX_FAUCET_KEY = `${hex.encode(sha256(new TextEncoder().encode('peg-devnet stx faucet')))}01`;
export const STX_FAUCET_ADDRESS = getAddressFromPrivateKey(STX_FAUCET_KEY, 'testnet');
/** What the faucet account holds at genesis: 10^9 STX, far more than tests ever ask for. */
export const STX_FAUCET_GENESIS = 1_000_000_000_000_000n;
/** Fee of a faucet transfer (above the 1 µSTX/byte floor of its ~180 bytes). */
export const STX_FAUCET_FEE = 1_000n;

/**
 * A signed testnet STX transfer from the faucet (built synchronously: every input is known, so
 * nothing is fetched). Returns the serialized transaction.
 */
export function faucetTransfer(recipient: string, amount: bigint, nonce: bigint): string {
  const auth = createStandardAuth(
    createSingleSigSpendingCondition(
      AddressHashMode.P2PKH,
      privateKeyToPublic(STX_FAUCET_KEY) as string,
      nonce,
      STX_FAUCET_FEE,
    ),
  );
  const tx = new StacksTransactionWire({
    auth,
    payload: createTokenTransferPayload(recipient, amount, 'peg-devnet faucet'),
    postConditionMode: PostConditionMode.Deny,
    network: 'devnet',
  });
  new TransactionSigner(tx).signOrigin(STX_FAUCET_KEY);
  return tx.serialize();
}
