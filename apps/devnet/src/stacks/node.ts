import type { BurnView, StacksChain, StacksTxRecord } from './chain.ts';

/** What the Stacks API needs from the devnet (state-changing calls are journaled there). */
export type StacksNode = {
  readonly chain: StacksChain;
  burnTip(): BurnView;
  burnBlock(heightOrHash: string): BurnView | undefined;
  broadcast(rawHex: string): StacksTxRecord;
  mine(blocks: number): void;
  faucetStx(principal: string, amount: bigint): StacksTxRecord;
};
