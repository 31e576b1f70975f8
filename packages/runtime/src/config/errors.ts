/** Why a configuration could not be loaded; every message is safe to log (no secret value). */
export type ConfigErrorCode =
  | 'not-found'
  | 'unreadable'
  | 'unsupported-format'
  | 'syntax'
  | 'invalid'
  | 'bad-env'
  | 'no-secret';

/** One problem of a configuration: the key path (`relay.url`, `parties[0].key`) and what is wrong. */
export type ConfigIssue = {
  /** Dotted key path; empty for the whole document. */
  path: string;
  message: string;
  /** The environment variable that set this key (or a parent of it), if one did. */
  env?: string;
};

export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  /** The configuration file (as given), or the secret's variable or file for `no-secret`. */
  readonly file: string;
  /** The problems, for `invalid` (one line of the message each); empty otherwise. */
  readonly issues: readonly ConfigIssue[];
  constructor(code: ConfigErrorCode, file: string, message: string, issues: ConfigIssue[] = []) {
    super(message);
    this.name = 'ConfigError';
    this.code = code;
    this.file = file;
    this.issues = issues;
  }
}
