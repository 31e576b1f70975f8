export { RpcError } from './bitcoin/errors.ts';
export {
  type Acceptance,
  COINBASE_MATURITY,
  Ledger,
  type LedgerOptions,
  subsidy,
  type Utxo,
} from './bitcoin/ledger.ts';
export { type BitcoinNode, methods as bitcoinRpcMethods } from './bitcoin/methods.ts';
export { addressToScript, scriptToAddress } from './bitcoin/network.ts';
export { type BitcoinRpcOptions, buildBitcoinRpc } from './bitcoin/server.ts';
export { type TxFacts, txidOf, wtxidOf } from './bitcoin/tx-facts.ts';
export { Chains, type ChainsOptions } from './chains.ts';
export { type CliOptions, parseCli, USAGE } from './cli.ts';
export { type Devnet, type DevnetOptions, startDevnet } from './devnet.ts';
export { buildStacksApi, type StacksApiOptions } from './stacks/api.ts';
export {
  FEE_SINK,
  MIN_FEE_PER_BYTE,
  type StacksBlock,
  StacksChain,
  type StacksTxRecord,
} from './stacks/chain.ts';
export type { StacksNode } from './stacks/node.ts';
export { TxRejected } from './stacks/rejection.ts';
