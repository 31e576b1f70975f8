/**
 * Records test/fixtures/*.json: HTTP answers in the shapes of a Stacks node (`/v2/...`) and the
 * Stacks API (`/extended/v1/...`), whose Clarity payloads come from our real contracts running
 * in the Clarinet simnet (a scenario: 3 signers, a key rotation, three withdrawal requests, one
 * accepted, one rejected, one pending). Run: `pnpm --filter @peg/stacks-client record-fixtures`.
 * Deterministic: same contracts, same output.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { CONTRACT_NAMES, manifestPath } from '@peg/contracts';
import { initSimnet } from '@stacks/clarinet-sdk';
import {
  Cl,
  type ClarityValue,
  privateKeyToPublic,
  publicKeyToAddress,
  serializeCV,
} from '@stacks/transactions';
import { acceptWithdrawalCall } from '../src/calls.ts';

const out = new URL('../test/fixtures/', import.meta.url);
const write = (name: string, value: unknown) =>
  writeFileSync(new URL(name, out), `${JSON.stringify(value, null, 2)}\n`);

const quiet = console.log;
console.log = () => undefined; // the SDK echoes every print
const simnet = await initSimnet(manifestPath);
const deployer = simnet.deployer;
const user = simnet.getAccounts().get('wallet_1')!;
const hex = (cv: ClarityValue) => `0x${serializeCV(cv)}`;
const fakeTxid = (label: string) => createHash('sha256').update(label).digest('hex');

const signers = [0, 1, 2].map((i) => {
  const privateKey = `${createHash('sha256').update(`fixture-signer-${i}`).digest('hex')}01`;
  const publicKey = privateKeyToPublic(privateKey) as string;
  return { publicKey, address: publicKeyToAddress(publicKey, 'testnet') };
});
const aggregate = privateKeyToPublic(
  `${createHash('sha256').update('fixture-aggregate').digest('hex')}01`,
) as string;

type Printed = {
  txid: string;
  height: number;
  txIndex: number;
  hex: string;
  repr: string;
  contract: string;
};
const printed: Printed[] = [];
function call(contract: string, fn: string, args: ClarityValue[], sender: string, label: string) {
  const r = simnet.callPublicFn(contract, fn, args, sender);
  if (r.result.type !== 'ok') throw new Error(`${label}: ${Cl.prettyPrint(r.result)}`);
  r.events.forEach((e) => {
    if (e.event !== 'print_event' || !e.data.value) return;
    printed.push({
      txid: fakeTxid(label),
      height: simnet.stacksBlockHeight - 1,
      txIndex: 0,
      hex: hex(e.data.value),
      repr: Cl.prettyPrint(e.data.value),
      contract: String(e.data.contract_identifier),
    });
  });
  return r;
}

for (const s of signers) {
  call(
    CONTRACT_NAMES.registry,
    'set-signer-weight',
    [Cl.principal(s.address), Cl.uint(1)],
    deployer,
    `admit ${s.address}`,
  );
  call(
    CONTRACT_NAMES.registry,
    'register-signer-key',
    [Cl.bufferFromHex(s.publicKey)],
    s.address,
    `register ${s.address}`,
  );
}
call(
  CONTRACT_NAMES.registry,
  'rotate-keys',
  [
    Cl.list(signers.map((s) => Cl.bufferFromHex(s.publicKey))),
    Cl.bufferFromHex(aggregate),
    Cl.uint(2),
  ],
  deployer,
  'rotate',
);
const signerPrincipal = simnet.getDataVar(CONTRACT_NAMES.registry, 'current-signer-principal');
if (signerPrincipal.type !== 'address') throw new Error('no signer principal');
call(
  CONTRACT_NAMES.token,
  'protocol-mint',
  [Cl.uint(1_000_000), Cl.principal(user)],
  deployer,
  'mint',
);
const recipient = Cl.tuple({
  version: Cl.bufferFromHex('04'),
  hashbytes: Cl.bufferFromHex('11'.repeat(20)),
});
const p2tr = Cl.tuple({
  version: Cl.bufferFromHex('06'),
  hashbytes: Cl.bufferFromHex('22'.repeat(32)),
});
for (const [i, [amount, r]] of (
  [
    [10_000, recipient],
    [20_000, p2tr],
    [30_000, recipient],
  ] as const
).entries()) {
  call(
    CONTRACT_NAMES.withdrawal,
    'initiate-withdrawal-request',
    [Cl.uint(amount), r, Cl.uint(500)],
    user,
    `request ${i + 1}`,
  );
}
simnet.mineEmptyBlock();
const burnHeight = simnet.burnBlockHeight - 1;
const burnHash = simnet.callReadOnlyFn(
  CONTRACT_NAMES.withdrawal,
  'get-burn-header',
  [Cl.uint(burnHeight)],
  deployer,
).result;
if (burnHash.type !== 'some' || burnHash.value.type !== 'buffer') throw new Error('no burn header');
const sweepTxid = fakeTxid('sweep');
// Built by the client itself, so the fixtures follow its txid byte order (calls.ts).
const acceptArgs = acceptWithdrawalCall({
  requestId: 1n,
  sweepTxid,
  signerBitmap: 7n,
  outputIndex: 2,
  fee: 120n,
  burnHash: burnHash.value.value,
  burnHeight,
}).functionArgs;
call(
  CONTRACT_NAMES.withdrawal,
  'accept-withdrawal-request',
  acceptArgs,
  signerPrincipal.value,
  'accept 1',
);
call(
  CONTRACT_NAMES.withdrawal,
  'reject-withdrawal-request',
  [Cl.uint(3), Cl.uint(3)],
  signerPrincipal.value,
  'reject 3',
);
const refused = simnet.callPublicFn(
  CONTRACT_NAMES.withdrawal,
  'reject-withdrawal-request',
  [Cl.uint(2), Cl.uint(3)],
  user,
);

// --- node: read-only calls, as POST /v2/contracts/call-read/{addr}/{contract}/{fn} answers them
const reads: Array<[string, string, ClarityValue[]]> = [
  [CONTRACT_NAMES.registry, 'get-current-signer-data', []],
  [CONTRACT_NAMES.registry, 'get-current-aggregate-pubkey', []],
  [CONTRACT_NAMES.registry, 'get-signer-candidates', []],
  [CONTRACT_NAMES.registry, 'get-signer', [Cl.principal(signers[1]!.address)]],
  [CONTRACT_NAMES.registry, 'get-signer', [Cl.principal(user)]],
  [CONTRACT_NAMES.registry, 'get-signer-by-key', [Cl.bufferFromHex(signers[2]!.publicKey)]],
  [CONTRACT_NAMES.registry, 'get-withdrawal-request', [Cl.uint(1)]],
  [CONTRACT_NAMES.registry, 'get-withdrawal-request', [Cl.uint(2)]],
  [CONTRACT_NAMES.registry, 'get-withdrawal-request', [Cl.uint(3)]],
  [CONTRACT_NAMES.registry, 'get-withdrawal-request', [Cl.uint(4)]],
  [CONTRACT_NAMES.registry, 'get-completed-withdrawal-sweep-data', [Cl.uint(1)]],
  [CONTRACT_NAMES.registry, 'get-completed-withdrawal-sweep-data', [Cl.uint(2)]],
  [CONTRACT_NAMES.withdrawal, 'get-burn-header', [Cl.uint(burnHeight)]],
];
write(
  'call-read.json',
  reads.map(([contract, fn, args]) => ({
    path: `/v2/contracts/call-read/${deployer}/${contract}/${fn}`,
    arguments: args.map(hex),
    status: 200,
    body: { okay: true, result: hex(simnet.callReadOnlyFn(contract, fn, args, deployer).result) },
  })),
);
write('data-var.json', [
  {
    path: `/v2/data_var/${deployer}/${CONTRACT_NAMES.registry}/last-withdrawal-request-id?proof=0`,
    status: 200,
    body: { data: hex(simnet.getDataVar(CONTRACT_NAMES.registry, 'last-withdrawal-request-id')) },
  },
]);

// --- node: /v2/info with the simnet's heights, in the node's documented shape
write('info.json', {
  peer_version: 4207599116,
  pox_consensus: fakeTxid('pox').slice(0, 40),
  burn_block_height: simnet.burnBlockHeight,
  stable_pox_consensus: fakeTxid('stable-pox').slice(0, 40),
  stable_burn_block_height: simnet.burnBlockHeight - 1,
  server_version: 'stacks-node 3.1.0.0.0 (devnet fixture)',
  network_id: 2147483648,
  parent_network_id: 3669344250,
  stacks_tip_height: simnet.stacksBlockHeight,
  stacks_tip: fakeTxid('tip'),
  stacks_tip_consensus_hash: fakeTxid('tip-consensus').slice(0, 40),
  genesis_chainstate_hash: fakeTxid('genesis'),
  unanchored_tip: null,
  unanchored_seq: null,
  tenure_height: simnet.burnBlockHeight,
  exit_at_block_height: null,
  is_fully_synced: true,
  node_public_key: signers[0]!.publicKey,
  node_public_key_hash: fakeTxid('node').slice(0, 40),
  stackerdbs: [],
});

// --- API: transactions, in the shape of GET /extended/v1/tx/{tx_id}
const txBase = (
  txid: string,
  fn: string,
  status: string,
  result: ClarityValue | undefined,
  height?: number,
) => ({
  tx_id: `0x${txid}`,
  nonce: 0,
  fee_rate: '1000',
  sender_address: signerPrincipal.value,
  sponsored: false,
  post_condition_mode: 'allow',
  post_conditions: [],
  anchor_mode: 'any',
  tx_status: status,
  ...(height === undefined
    ? { receipt_time: 1763700000, receipt_time_iso: '2025-11-21T04:40:00.000Z' }
    : {
        block_hash: `0x${fakeTxid(`block-${height}`)}`,
        block_height: height,
        block_time: 1763700000,
        block_time_iso: '2025-11-21T04:40:00.000Z',
        burn_block_height: burnHeight,
        burn_block_time: 1763700000,
        burn_block_time_iso: '2025-11-21T04:40:00.000Z',
        canonical: true,
        tx_index: 0,
        tx_result: result ? { hex: hex(result), repr: Cl.prettyPrint(result) } : undefined,
        event_count: 0,
        events: [],
        is_unanchored: false,
        microblock_canonical: true,
        microblock_hash: '0x',
        microblock_sequence: 2147483647,
        parent_block_hash: `0x${fakeTxid(`block-${height - 1}`)}`,
        parent_burn_block_time: 1763700000,
        parent_burn_block_time_iso: '2025-11-21T04:40:00.000Z',
        execution_cost_read_count: 0,
        execution_cost_read_length: 0,
        execution_cost_runtime: 0,
        execution_cost_write_count: 0,
        execution_cost_write_length: 0,
      }),
  tx_type: 'contract_call',
  contract_call: {
    contract_id: `${deployer}.${CONTRACT_NAMES.withdrawal}`,
    function_name: fn,
    function_signature: '',
    function_args: [],
  },
});
const minedTx = printed.find((p) => p.txid === fakeTxid('accept 1'))!;
write(
  'tx-success.json',
  txBase(
    minedTx.txid,
    'accept-withdrawal-request',
    'success',
    Cl.ok(Cl.bool(true)),
    minedTx.height,
  ),
);
write(
  'tx-abort.json',
  txBase(
    fakeTxid('refused'),
    'reject-withdrawal-request',
    'abort_by_response',
    refused.result,
    minedTx.height + 2,
  ),
);
write(
  'tx-pending.json',
  txBase(fakeTxid('pending'), 'reject-withdrawal-request', 'pending', undefined),
);
write(
  'txs.json',
  [...new Map(printed.map((p) => [p.txid, p])).values()].map((p) =>
    txBase(p.txid, 'call', 'success', Cl.ok(Cl.bool(true)), p.height),
  ),
);

// --- API: GET /extended/v1/contract/{id}/events (newest first), one contract at a time
for (const contract of [CONTRACT_NAMES.registry]) {
  const id = `${deployer}.${contract}`;
  const events = printed
    .filter((p) => p.contract === id)
    .map((p, i) => ({ ...p, eventIndex: i }))
    .reverse()
    .map((p) => ({
      event_index: 0,
      event_type: 'smart_contract_log',
      tx_id: `0x${p.txid}`,
      contract_log: {
        contract_id: p.contract,
        topic: 'print',
        value: { hex: p.hex, repr: p.repr },
      },
    }));
  write(`events-${contract}.json`, { limit: 50, offset: 0, results: events });
}

// --- API nonces, node account, broadcast rejection and read-only failure (documented shapes)
write('nonces.json', {
  last_mempool_tx_nonce: null,
  last_executed_tx_nonce: 4,
  possible_next_nonce: 5,
  detected_missing_nonces: [],
  detected_mempool_nonces: [],
});
write('account.json', {
  balance: '0x0000000000000000000000e8d4a51000',
  locked: '0x00000000000000000000000000000000',
  unlock_height: 0,
  nonce: 5,
  balance_proof: '',
  nonce_proof: '',
});
write('broadcast-rejected.json', {
  error: 'transaction rejected',
  reason: 'BadNonce',
  reason_data: { expected: 5, actual: 3, is_origin: true, principal: signerPrincipal.value },
  txid: fakeTxid('bad-nonce'),
});
write('call-read-failed.json', {
  okay: false,
  cause: `Unchecked(NoSuchPublicFunction("${deployer}.${CONTRACT_NAMES.registry}", "no-such-function"))`,
});
write('scenario.json', {
  deployer,
  user,
  signers: signers.map((s) => ({ address: s.address, publicKey: s.publicKey })),
  aggregate,
  signerPrincipal: signerPrincipal.value,
  burnHeight,
  burnHash: burnHash.value.value,
  sweepTxid,
  minedTx: { txid: minedTx.txid, height: minedTx.height },
});
console.log = quiet;
console.log(`fixtures written to ${out.pathname}`);
