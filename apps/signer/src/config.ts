/**
 * `signer.json`: the shared process configuration (`ProcessConfigShape` of @peg/runtime) and
 * nothing else yet; the peg-out policy joins it with the pipeline. Validated by zod at start-up,
 * env overrides `PEG_SIGNER_<SECTION>__<KEY>` (docs/operations.md).
 */
import { ProcessConfigShape } from '@peg/runtime';
import { z } from 'zod';

export const SignerConfigSchema = z.strictObject({ ...ProcessConfigShape });
export type SignerConfig = z.output<typeof SignerConfigSchema>;

/** Prefix of the environment overrides of the signer's configuration. */
export const SIGNER_ENV_PREFIX = 'PEG_SIGNER';
