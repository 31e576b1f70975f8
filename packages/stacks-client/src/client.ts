import { Cl, type ClarityValue, validateStacksAddress } from '@stacks/transactions';
import { createApiClient, getContractPrintEvents, getNonces, getTransaction } from './api.ts';
import type { ContractCallSpec, ContractRole } from './calls.ts';
import { boolOf, bufferOf, optionalOf, principalOf, uintOf } from './clarity.ts';
import { resolveOptions, type StacksClientOptions } from './config.ts';
import { TransactionTimeoutError } from './errors.ts';
import { broadcastTransaction, callReadOnly, getAccount, getChainTip, getDataVar } from './node.ts';
import {
  decodeSigner,
  decodeSignerCandidates,
  decodeSignerData,
  decodeWithdrawalRequest,
  decodeWithdrawalSweep,
} from './registry.ts';
import {
  type BuiltTransaction,
  buildContractCall,
  buildUnsignedMultisigCall,
} from './transactions.ts';
import type { TransactionInfo, WithdrawalRequest } from './types.ts';

/** Options of {@link StacksClient.waitForTransaction}. */
export type WaitOptions = {
  /** Time between polls (default 1000 ms). */
  pollMs?: number;
  /** Give up after this long (default 120 000 ms), counted as polls x pollMs. */
  timeoutMs?: number;
  /** Sleep used between polls; tests inject an immediate one. */
  sleep?: (ms: number) => Promise<void>;
};

/** The largest id range {@link StacksClient.getWithdrawalRequests} reads in one call. */
export const MAX_REQUEST_RANGE = 500;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Principals and txids go into URL paths: anything else could reach another endpoint.
function checkPrincipal(principal: string): void {
  const [address = '', name, ...more] = String(principal).split('.');
  const nameOk = name === undefined || /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/.test(name);
  if (more.length > 0 || !nameOk || !validateStacksAddress(address)) {
    throw new TypeError('"principal" expected a Stacks address or contract principal');
  }
}

function checkTxid(txid: string): void {
  if (typeof txid !== 'string' || !/^(0x)?[0-9a-fA-F]{64}$/.test(txid)) {
    throw new TypeError('"txid" expected 32 bytes of hex, optionally with 0x');
  }
}

/**
 * A typed client of a Stacks node (`nodeUrl`, `/v2/...`) and Stacks API (`apiUrl`,
 * `/extended/...`) for the peg contracts. A failed exchange throws a StacksClientError subclass;
 * bad arguments throw TypeError or RangeError before any request.
 */
export function createStacksClient(options: StacksClientOptions) {
  const o = resolveOptions(options);
  const api = createApiClient(o.fetch, o.apiUrl);
  const contractName = (role: ContractRole) => o.contracts[role];
  const contractId = (role: ContractRole) => `${o.contracts.address}.${contractName(role)}`;

  const readOnly = (role: ContractRole, functionName: string, args: ClarityValue[] = []) =>
    callReadOnly(o.fetch, o.nodeUrl, {
      contractAddress: o.contracts.address,
      contractName: contractName(role),
      functionName,
      args,
      sender: o.readOnlySender,
    });

  const getWithdrawalRequest = async (id: bigint): Promise<WithdrawalRequest | undefined> =>
    decodeWithdrawalRequest(
      id,
      await readOnly('registry', 'get-withdrawal-request', [Cl.uint(id)]),
    );

  const client = {
    options: o,
    contractId,

    /** Stacks and burn chain tips (`GET /v2/info`). */
    getChainTip: () => getChainTip(o.fetch, o.nodeUrl),

    /** Any read-only function of one of the three contracts. */
    callReadOnly: readOnly,

    /** `get-current-signer-data`: signer set, aggregate key, signer principal, threshold. */
    getSignerData: async () =>
      decodeSignerData(await readOnly('registry', 'get-current-signer-data')),

    /** `get-current-aggregate-pubkey` (`00` before the first rotation). */
    getAggregatePubkey: async () =>
      bufferOf(await readOnly('registry', 'get-current-aggregate-pubkey'), 'aggregate-pubkey'),

    /**
     * `is-aggregate-pubkey-used(pubkey)`: the registry accepted this key once (a `rotate-keys`
     * with it aborts with u402, the replay guard).
     */
    isAggregatePubkeyUsed: async (pubkey: string) =>
      boolOf(
        await readOnly('registry', 'is-aggregate-pubkey-used', [
          Cl.bufferFromHex(pubkey.replace(/^0x/, '')),
        ]),
        'aggregate-pubkey-used',
      ),

    /** `get-signer-candidates`: the admitted signers, weights and keys for the next DKG (ours only). */
    getSignerCandidates: async () =>
      decodeSignerCandidates(await readOnly('registry', 'get-signer-candidates')),

    /** `get-signer(principal)`: an admitted signer's weight and key (our registry only). */
    getSigner: async (signer: string) =>
      decodeSigner(await readOnly('registry', 'get-signer', [Cl.principal(signer)])),

    /** `get-signer-by-key(public-key)`: which signer registered a key (our registry only). */
    getSignerByKey: async (publicKey: string) =>
      optionalOf(
        await readOnly('registry', 'get-signer-by-key', [
          Cl.bufferFromHex(publicKey.replace(/^0x/, '')),
        ]),
        'signer-by-key',
        principalOf,
      ),

    /** `get-withdrawal-request(id)` with its status; undefined for an unknown id. */
    getWithdrawalRequest,

    /** The highest request id so far (data var `last-withdrawal-request-id`; 0 before any). */
    getLastWithdrawalRequestId: async () =>
      uintOf(
        await getDataVar(o.fetch, o.nodeUrl, {
          contractAddress: o.contracts.address,
          contractName: contractName('registry'),
          name: 'last-withdrawal-request-id',
        }),
        'last-withdrawal-request-id',
      ),

    /** Requests `fromId..toId` (inclusive) that exist, in id order; at most 500 ids per call. */
    getWithdrawalRequests: async (fromId: bigint, toId: bigint): Promise<WithdrawalRequest[]> => {
      if (fromId < 1n || toId < fromId || toId - fromId >= BigInt(MAX_REQUEST_RANGE)) {
        throw new RangeError(
          `"fromId..toId" expected 1 <= fromId <= toId < fromId + ${MAX_REQUEST_RANGE}`,
        );
      }
      const found: WithdrawalRequest[] = [];
      for (let id = fromId; id <= toId; id++) {
        const request = await getWithdrawalRequest(id);
        if (request) found.push(request);
      }
      return found;
    },

    /** `get-completed-withdrawal-sweep-data(id)`: where an accepted request was paid. */
    getWithdrawalSweep: async (id: bigint) =>
      decodeWithdrawalSweep(
        await readOnly('registry', 'get-completed-withdrawal-sweep-data', [Cl.uint(id)]),
      ),

    /** `get-burn-header(height)`: the burn block hash the contracts compare against. */
    getBurnHeader: async (height: bigint | number) =>
      optionalOf(
        await readOnly('withdrawal', 'get-burn-header', [Cl.uint(height)]),
        'burn-header',
        bufferOf,
      ),

    /** `print` events of one contract at or above a Stacks block height, oldest first. */
    getContractEvents: async (role: ContractRole, sinceHeight: number) => {
      // NaN would compare false with every height and page through the whole history.
      if (!Number.isSafeInteger(sinceHeight) || sinceHeight < 0) {
        throw new RangeError(`"sinceHeight" expected a non-negative integer, got ${sinceHeight}`);
      }
      return getContractPrintEvents(api, o.apiUrl, contractId(role), sinceHeight);
    },

    /** Account nonces from the Stacks API (`/extended/v1/address/{principal}/nonces`). */
    getNonces: async (principal: string) => {
      checkPrincipal(principal);
      return getNonces(api, o.apiUrl, principal);
    },

    /** STX balance and next nonce from the node (`/v2/accounts/{principal}`). */
    getAccount: async (principal: string) => {
      checkPrincipal(principal);
      return getAccount(o.fetch, o.nodeUrl, principal);
    },

    /** Builds and signs a single-sig call of one of our contracts. */
    buildCall: (spec: ContractCallSpec, auth: { senderKey: string; nonce: bigint; fee: bigint }) =>
      buildContractCall({
        contractAddress: o.contracts.address,
        contractName: contractName(spec.contract),
        functionName: spec.functionName,
        functionArgs: spec.functionArgs,
        network: o.network,
        ...auth,
      }),

    /** Builds the unsigned order-independent multisig call the signers co-sign. */
    buildMultisigCall: (
      spec: ContractCallSpec,
      auth: { publicKeys: readonly string[]; threshold: number; nonce: bigint; fee: bigint },
    ) =>
      buildUnsignedMultisigCall({
        contractAddress: o.contracts.address,
        contractName: contractName(spec.contract),
        functionName: spec.functionName,
        functionArgs: spec.functionArgs,
        network: o.network,
        ...auth,
      }),

    /** `POST /v2/transactions`; resolves to the txid or throws TransactionRejectedError. */
    broadcast: (tx: BuiltTransaction | string) =>
      broadcastTransaction(o.fetch, o.nodeUrl, typeof tx === 'string' ? tx : tx.txHex),

    /** `GET /extended/v1/tx/{txid}`; undefined while the API does not know it. */
    getTransaction: async (txid: string): Promise<TransactionInfo | undefined> => {
      checkTxid(txid);
      const tx = await getTransaction(api, o.apiUrl, txid);
      if (!tx) return undefined;
      const { txIndex: _ignored, ...info } = tx;
      return info;
    },

    /** Polls until the transaction is no longer pending (mined, aborted or dropped). */
    waitForTransaction: async (txid: string, wait: WaitOptions = {}): Promise<TransactionInfo> => {
      const pollMs = wait.pollMs ?? 1000;
      const timeoutMs = wait.timeoutMs ?? 120_000;
      if (!(pollMs > 0) || !(timeoutMs >= 0))
        throw new RangeError('"pollMs" must be > 0 and "timeoutMs" >= 0');
      checkTxid(txid);
      const sleep = wait.sleep ?? defaultSleep;
      const polls = Math.floor(timeoutMs / pollMs) + 1;
      let last: TransactionInfo | undefined;
      for (let i = 0; i < polls; i++) {
        if (i > 0) await sleep(pollMs);
        const tx = await getTransaction(api, o.apiUrl, txid);
        if (tx) {
          const { txIndex: _ignored, ...info } = tx;
          last = info;
          if (info.status !== 'pending') return info;
        }
      }
      throw new TransactionTimeoutError(txid, last?.status, (polls - 1) * pollMs);
    },
  };
  return Object.freeze(client);
}

/** The client {@link createStacksClient} returns. */
export type StacksClient = ReturnType<typeof createStacksClient>;
