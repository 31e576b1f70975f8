/**
 * `coordinator.json`: the shared process configuration (`ProcessConfigShape` of @peg/runtime),
 * plus what only a coordinator needs: its operator's signer API (to load a key a backup did not
 * make itself), DKG retry limits, and on devnet the registry admin's key for the first
 * `rotate-keys` (before it, the signer principal is the deployer). Env overrides
 * `PEG_COORDINATOR_<SECTION>__<KEY>` (docs/operations.md).
 */
import { ProcessConfigShape } from '@peg/runtime';
import { z } from 'zod';

export const CoordinatorConfigSchema = z.strictObject({
  ...ProcessConfigShape,
  /** The operator's own signer: where a coordinator loads a key it did not make itself. */
  signerApi: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }),
      /** The signer's operator-token file. */
      tokenFile: z.string().min(1),
    })
    .optional(),
  dkg: z
    .strictObject({
      /** Attempts (each excluding the culprits of the previous one) before a DKG fails. */
      maxAttempts: z.int().min(1).max(100).default(5),
      /** Nonce phases below threshold before a signing round fails. */
      maxNonceTimeouts: z.int().min(1).max(100).default(3),
      /** After a failed DKG, wait this long before the next one (ms). */
      retryAfterMs: z.int().min(0).max(3_600_000).default(10_000),
    })
    .default({ maxAttempts: 5, maxNonceTimeouts: 3, retryAfterMs: 10_000 }),
  /**
   * A file with the secret key (hex) of the signer principal before the first rotation: the
   * registry's deployer on devnet. Used only while that account is the signer principal.
   */
  bootstrapSignerKeyFile: z.string().min(1).optional(),
});
export type CoordinatorConfig = z.output<typeof CoordinatorConfigSchema>;

/** Prefix of the environment overrides of the coordinator's configuration. */
export const COORDINATOR_ENV_PREFIX = 'PEG_COORDINATOR';
