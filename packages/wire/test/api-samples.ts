// Valid bodies of the operator APIs (Signer and Coordinator), shared by their schema tests.
import type {
  ChainConnectivity,
  DkgRoundSummary,
  FederationKey,
  RelayConnectivity,
  SigningRoundSummary,
} from '../src/operator-api.ts';

/**
 * BIP86's first key-path vector (m/86'/0'/0'/0/0): internal key, its BIP341 output key and the
 * mainnet address (github.com/bitcoin/bips bip-0086.mediawiki, "Test vectors").
 */
export const BIP86 = {
  internalKey: 'cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115',
  outputKey: 'a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c',
  address: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
} as const;

export const federationKey: FederationKey = {
  dkgId: 2,
  aggregateKey: `02${BIP86.internalKey}`,
  outputKey: BIP86.outputKey,
  address: BIP86.address,
  threshold: 7,
  totalKeyIds: 10,
};

export const relay: RelayConnectivity = {
  url: 'http://127.0.0.1:7400/',
  connected: true,
  lastOkAt: 1_700_000_000_000,
};

export const bitcoin: ChainConnectivity = {
  url: 'http://127.0.0.1:18443/',
  connected: true,
  tip: { height: 120, hash: 'ab'.repeat(32) },
  lastOkAt: 1_700_000_000_000,
};

export const stacks: ChainConnectivity = {
  url: 'http://127.0.0.1:3999/',
  connected: false,
  tip: null,
  lastOkAt: null,
};

export const dkgRound: DkgRoundSummary = {
  dkgId: 2,
  outcome: 'succeeded',
  detail: null,
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_001_500,
  durationMs: 1_500,
  attempts: 2,
  participants: [1, 2, 3, 5],
  excluded: [{ partyId: 4, reason: 'bad-private-shares' }],
  blamed: [{ partyId: 4, reason: 'bad-private-shares' }],
  aggregateKey: `02${BIP86.internalKey}`,
};

export const signingRound: SigningRoundSummary = {
  signId: 9,
  dkgId: 2,
  outcome: 'running',
  detail: null,
  startedAt: 1_700_000_002_000,
  endedAt: null,
  durationMs: null,
  attempts: 1,
  participants: [1, 2, 3],
  excluded: [],
  blamed: [],
  messages: 2,
  withdrawalRequestIds: [4, 5],
};
