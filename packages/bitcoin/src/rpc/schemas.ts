// Result shapes of the Bitcoin Core RPCs we call, as Bitcoin Core (v25..v29) returns them.
// Loose objects: Core adds fields between versions; we check the ones we rely on.
// Amounts stay in BTC as Core sends them; convert with `btcToSats`.
import { z } from 'zod';

const hash = z.string().regex(/^[0-9a-f]{64}$/);
const hexString = z.string().regex(/^([0-9a-f]{2})*$/);

export const blockchainInfoSchema = z.looseObject({
  chain: z.string(),
  blocks: z.number().int().nonnegative(),
  headers: z.number().int().nonnegative(),
  bestblockhash: hash,
  mediantime: z.number().int(),
  verificationprogress: z.number(),
  initialblockdownload: z.boolean(),
  pruned: z.boolean(),
});
export type BlockchainInfo = z.infer<typeof blockchainInfoSchema>;

const scriptPubKeySchema = z.looseObject({
  asm: z.string(),
  hex: hexString,
  type: z.string(),
  address: z.string().optional(),
  desc: z.string().optional(),
});

const vinSchema = z.union([
  z.looseObject({
    coinbase: hexString,
    sequence: z.number().int(),
    txinwitness: z.array(hexString).optional(),
  }),
  z.looseObject({
    txid: hash,
    vout: z.number().int().nonnegative(),
    scriptSig: z.looseObject({ asm: z.string(), hex: hexString }),
    sequence: z.number().int(),
    txinwitness: z.array(hexString).optional(),
  }),
]);

const voutSchema = z.looseObject({
  value: z.number().nonnegative(),
  n: z.number().int().nonnegative(),
  scriptPubKey: scriptPubKeySchema,
});

export const decodedTransactionSchema = z.looseObject({
  txid: hash,
  hash: hash,
  version: z.number().int(),
  size: z.number().int(),
  vsize: z.number().int(),
  weight: z.number().int(),
  locktime: z.number().int(),
  vin: z.array(vinSchema),
  vout: z.array(voutSchema),
  hex: hexString.optional(),
});
export type DecodedTransaction = z.infer<typeof decodedTransactionSchema>;

/** `getrawtransaction <txid> true`: the decoded transaction plus its chain position if mined. */
export const rawTransactionVerboseSchema = decodedTransactionSchema.extend({
  hex: hexString,
  blockhash: hash.optional(),
  confirmations: z.number().int().optional(),
  time: z.number().int().optional(),
  blocktime: z.number().int().optional(),
});
export type RawTransactionVerbose = z.infer<typeof rawTransactionVerboseSchema>;

const blockBase = {
  hash,
  confirmations: z.number().int(),
  height: z.number().int().nonnegative(),
  version: z.number().int(),
  merkleroot: hash,
  time: z.number().int(),
  mediantime: z.number().int(),
  nonce: z.number().int(),
  bits: z.string(),
  chainwork: z.string(),
  nTx: z.number().int().nonnegative(),
  previousblockhash: hash.optional(),
  nextblockhash: hash.optional(),
};

/** `getblock <hash> 1`: header fields and the txids. */
export const blockSchema = z.looseObject({ ...blockBase, tx: z.array(hash) });
export type Block = z.infer<typeof blockSchema>;

/** `getblock <hash> 2`: header fields and decoded transactions. */
export const blockVerboseSchema = z.looseObject({
  ...blockBase,
  tx: z.array(decodedTransactionSchema),
});
export type BlockVerbose = z.infer<typeof blockVerboseSchema>;

/** An input of `getblock <hash> 3`: with the output it spends (Core's undo data). */
const vinWithPrevoutSchema = z.union([
  z.looseObject({ coinbase: hexString, sequence: z.number().int() }),
  z.looseObject({
    txid: hash,
    vout: z.number().int().nonnegative(),
    sequence: z.number().int(),
    prevout: z.looseObject({ value: z.number().nonnegative(), scriptPubKey: scriptPubKeySchema }),
  }),
]);

/** `getblock <hash> 3`: every transaction decoded, with its hex and each input's prevout. */
export const blockWithPrevoutsSchema = z.looseObject({
  ...blockBase,
  tx: z.array(
    decodedTransactionSchema.extend({ hex: hexString, vin: z.array(vinWithPrevoutSchema) }),
  ),
});
export type BlockWithPrevouts = z.infer<typeof blockWithPrevoutsSchema>;

/** `gettxout`: an unspent output, or null when spent or unknown. */
export const txOutSchema = z
  .looseObject({
    bestblock: hash,
    confirmations: z.number().int().nonnegative(),
    value: z.number().nonnegative(),
    scriptPubKey: scriptPubKeySchema,
    coinbase: z.boolean(),
  })
  .nullable();
export type TxOut = z.infer<typeof txOutSchema>;

/** `getrawmempool false`: the txids in the mempool. */
export const rawMempoolSchema = z.array(hash);

export const mempoolAcceptSchema = z.array(
  z.looseObject({
    txid: hash,
    wtxid: hash,
    allowed: z.boolean().optional(),
    vsize: z.number().int().optional(),
    fees: z
      .looseObject({ base: z.number(), 'effective-feerate': z.number().optional() })
      .optional(),
    'reject-reason': z.string().optional(),
    'reject-details': z.string().optional(),
    'package-error': z.string().optional(),
  }),
);
export type MempoolAcceptResult = z.infer<typeof mempoolAcceptSchema>;

export const unspentSchema = z.array(
  z.looseObject({
    txid: hash,
    vout: z.number().int().nonnegative(),
    address: z.string().optional(),
    scriptPubKey: hexString,
    amount: z.number().nonnegative(),
    confirmations: z.number().int(),
    spendable: z.boolean(),
    solvable: z.boolean(),
    safe: z.boolean(),
  }),
);
export type Unspent = z.infer<typeof unspentSchema>[number];

export const scanTxOutSetSchema = z.looseObject({
  success: z.boolean(),
  txouts: z.number().int(),
  height: z.number().int(),
  bestblock: hash,
  unspents: z.array(
    z.looseObject({
      txid: hash,
      vout: z.number().int().nonnegative(),
      scriptPubKey: hexString,
      desc: z.string(),
      amount: z.number().nonnegative(),
      coinbase: z.boolean(),
      height: z.number().int(),
    }),
  ),
  total_amount: z.number().nonnegative(),
});
export type ScanTxOutSetResult = z.infer<typeof scanTxOutSetSchema>;

export const estimateSmartFeeSchema = z.looseObject({
  feerate: z.number().nonnegative().optional(),
  errors: z.array(z.string()).optional(),
  blocks: z.number().int(),
});
export type SmartFeeEstimate = z.infer<typeof estimateSmartFeeSchema>;

export const hashSchema = hash;
export const hexSchema = hexString;
export const heightSchema = z.number().int().nonnegative();
