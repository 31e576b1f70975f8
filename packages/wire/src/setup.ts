import { z } from 'zod';
import { idSet, point, signature64, uint32, xOnlyKey } from './codecs.ts';
import type { Limits } from './limits.ts';

/**
 * Federation set-up payloads: readiness, messaging-key rotation, the new peg address, and the
 * active coordinator's heartbeat.
 */
export function setupPayloads(limits: Limits) {
  return {
    /** A signer is up and holds these key ids. */
    'signer-ready': z.strictObject({
      keyIds: idSet(1, limits.maxKeyIds),
    }),
    /**
     * A party's messaging key. The envelope is signed by the key the receiver already knows for
     * the party (its registered key); `possession` is a BIP340 signature by the announced key
     * (see `keyAnnouncementDigest`), checked by `open`. A higher `sequence` replaces a lower one.
     */
    'key-announcement': z.strictObject({
      sequence: uint32.min(1),
      messagingKey: xOnlyKey,
      possession: signature64,
    }),
    /**
     * The aggregate key of a finished DKG, its BIP341 output key (key-path only: TapTweak with
     * no merkle root) and the address. `open` checks outputKey against aggregateKey; the
     * address is checked for form only (bech32m checksum and network: @peg/bitcoin).
     */
    'public-address-available': z.strictObject({
      aggregateKey: point,
      outputKey: xOnlyKey,
      address: z
        .string()
        .max(90)
        .regex(/^(?:bc|tb|bcrt)1p[02-9ac-hj-np-z]{58}$/, 'expected a P2TR (bech32m) address'),
    }),
    /**
     * The active coordinator is alive though it has nothing to ask: sent when it was silent for a
     * third of the takeover timeout, so that an idle federation keeps its coordinator (the
     * envelope's `chainTip` and signature are the whole message).
     */
    'coordinator-heartbeat': z.strictObject({}),
  };
}
