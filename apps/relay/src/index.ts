export { type BuildAppOptions, buildApp } from './app.ts';
export { HELP, type ParsedCli, parseCli, RelayConfig } from './config.ts';
export type { RelayContext } from './context.ts';
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
  StoredMessage,
} from './store/types.ts';
