export { type BuildAppOptions, buildApp } from './app.ts';
export { ChainMembers, type ChainMembersOptions, type RegistryReader } from './chain-members.ts';
export { HELP, type ParsedCli, parseCli, RelayConfig } from './config.ts';
export type { MembershipFeed, RelayContext } from './context.ts';
export { chainMembership, coordinatorId, mayBeAnnouncement } from './core/chain-membership.ts';
export {
  FederationName,
  findPrincipal,
  MembersFile,
  type Membership,
  type Principal,
  parseMembership,
} from './core/membership.ts';
export { RelayHttpError, StoreUnavailableError } from './errors.ts';
export { loadMembersFile } from './members-file.ts';
export { JetStreamStore, type JetStreamStoreOptions } from './store/jetstream.ts';
export { openStore, parseStoreSpec, type StoreSpec } from './store/open.ts';
export { SqliteStore } from './store/sqlite.ts';
export type {
  AckOutcome,
  PostInput,
  PostOutcome,
  RelayStore,
  StoredAnnouncement,
  StoredMessage,
} from './store/types.ts';
