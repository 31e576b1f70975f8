/**
 * The coordinator's side of one co-signing request: collect the signers' answers, keep only
 * signatures that recover to a key of the signer set (one per key, one answer per party), and
 * assemble the transaction once the threshold is reached.
 * @module
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  assembleMultisigCall,
  type BuiltTransaction,
  type MultisigSignature,
} from '@peg/stacks-client';
import { type PayloadJsonOf, type StacksCosignRefusal, stacksTransactionId } from '@peg/wire';
import {
  AuthType,
  nextVerification,
  PayloadType,
  PubKeyEncoding,
  type StacksTransactionWire,
} from '@stacks/transactions';
import { decodeTransaction } from './decode.ts';
import { checkSignerSet, type SignerSet } from './signer-set.ts';
import { spendingConditionMismatch } from './spending-condition.ts';

/** A signer's answer, as the `stacks-cosign-response` payload (JSON form) carries it. */
export type CosignResponse = PayloadJsonOf<'stacks-cosign-response'>;

/** Why an answer did not count. */
export type CosignIgnored =
  /** It answers another transaction (`transactionId`). */
  | 'other-transaction'
  /** The party already answered this request (its first answer stands). */
  | 'already-answered'
  /** The key is not in the signer set. */
  | 'foreign-key'
  /** Another answer already brought a signature by this key. */
  | 'duplicate-key'
  /** The signature does not recover to the key it names, for this transaction. */
  | 'bad-signature';

/** What `add` did with an answer. */
export type CollectOutcome =
  | { status: 'signed' }
  | { status: 'refused'; reason: StacksCosignRefusal }
  | { status: 'ignored'; why: CosignIgnored };

/**
 * Collects the answers to one `stacks-cosign-request`. The transaction must be the unsigned
 * order-independent multisig of `signers` (keys in the registry's order: the order assembly
 * writes the auth fields in and the address hashes them), else the constructor throws.
 */
export class CosignCollector {
  /** `stacksTransactionId` of the proposed transaction (hex): what responses must name. */
  readonly transactionId: string;
  readonly #txHex: string;
  readonly #signers: SignerSet;
  readonly #tx: StacksTransactionWire;
  readonly #initialSighash: string;
  readonly #answered = new Set<number>();
  readonly #signatures = new Map<string, MultisigSignature>();
  readonly #refusals = new Map<number, StacksCosignRefusal>();

  constructor(txHex: string, signers: SignerSet) {
    checkSignerSet(signers);
    const tx = decodeTransaction(txHex);
    if (tx === undefined || tx.payload.payloadType !== PayloadType.ContractCall)
      throw new TypeError('"txHex" is not one canonical contract-call transaction');
    const mismatch = spendingConditionMismatch(tx, signers);
    if (mismatch !== undefined) throw new TypeError(`"txHex": ${mismatch.detail}`);
    this.#txHex = txHex;
    this.#signers = { publicKeys: [...signers.publicKeys], threshold: signers.threshold };
    this.#tx = tx;
    this.#initialSighash = tx.signBegin();
    this.transactionId = bytesToHex(stacksTransactionId(hexToBytes(txHex)));
  }

  /** Records party `partyId`'s answer; only a valid signature by a new key of the set counts. */
  add(partyId: number, response: CosignResponse): CollectOutcome {
    if (!Number.isInteger(partyId) || partyId < 1)
      throw new RangeError(`"partyId" expected an id >= 1, got ${partyId}`);
    if (response.transactionId !== this.transactionId)
      return { status: 'ignored', why: 'other-transaction' };
    if (this.#answered.has(partyId)) return { status: 'ignored', why: 'already-answered' };
    const result = response.result;
    if (result.type === 'refused') {
      this.#answered.add(partyId);
      this.#refusals.set(partyId, result.reason);
      return { status: 'refused', reason: result.reason };
    }
    if (!this.#signers.publicKeys.includes(result.publicKey))
      return { status: 'ignored', why: 'foreign-key' };
    if (this.#signatures.has(result.publicKey)) return { status: 'ignored', why: 'duplicate-key' };
    if (this.#recover(result.signature) !== result.publicKey)
      return { status: 'ignored', why: 'bad-signature' };
    this.#answered.add(partyId);
    this.#signatures.set(result.publicKey, {
      publicKey: result.publicKey,
      signature: result.signature,
    });
    return { status: 'signed' };
  }

  /** The key a recoverable signature of this transaction's pre-sign hash recovers to. */
  #recover(signature: string): string | undefined {
    const condition = this.#tx.auth.spendingCondition;
    try {
      const { pubKey } = nextVerification(
        this.#initialSighash,
        AuthType.Standard,
        condition.fee,
        condition.nonce,
        PubKeyEncoding.Compressed,
        signature,
      );
      return bytesToHex(pubKey.data);
    } catch {
      return undefined;
    }
  }

  /** Valid signatures so far (distinct keys of the set). */
  get signatureCount(): number {
    return this.#signatures.size;
  }

  /** Signatures still missing before the transaction can be assembled (0 when ready). */
  get missing(): number {
    return Math.max(0, this.#signers.threshold - this.#signatures.size);
  }

  /** The refusals so far, by party id. */
  get refusals(): ReadonlyMap<number, StacksCosignRefusal> {
    return new Map(this.#refusals);
  }

  /**
   * The signed transaction, ready to broadcast: `assembleMultisigCall` with the signer set in
   * its order (a signature where one is used, the bare key elsewhere), verified before it is
   * returned. Exactly `threshold` signatures are used, the first to arrive: the node's rule for
   * how many a multisig may carry is then met whichever way it reads it, and the transaction
   * is as small as it can be. Throws RangeError while signatures are missing.
   */
  assemble(): BuiltTransaction {
    if (this.missing > 0) {
      throw new RangeError(
        `${this.#signatures.size} signatures, ${this.#signers.threshold} required`,
      );
    }
    const first = [...this.#signatures.values()].slice(0, this.#signers.threshold);
    return assembleMultisigCall(this.#txHex, this.#signers.publicKeys, first);
  }
}
