/**
 * `signer.json`: the shared process configuration (`ProcessConfigShape` of @peg/runtime) and the
 * peg-out policy file. Validated by zod at start-up,
 * env overrides `PEG_SIGNER_<SECTION>__<KEY>` (docs/operations.md).
 */
import { ProcessConfigShape } from '@peg/runtime';
import { z } from 'zod';

export const SignerConfigSchema = z.strictObject({
  ...ProcessConfigShape,
  /**
   * The operator's peg-out policy file (JSON, `signerPolicyFile` of @peg/wire; docs/operations.md
   * "Policy file"). Absent: `{"version": 1}`, the built-in checks only.
   */
  policyFile: z.string().min(1).optional(),
});
export type SignerConfig = z.output<typeof SignerConfigSchema>;

/** Prefix of the environment overrides of the signer's configuration. */
export const SIGNER_ENV_PREFIX = 'PEG_SIGNER';
