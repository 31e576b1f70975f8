/**
 * The signer's answer to `check-policy`. Probe rounds (a tagged message that can never spend,
 * `decideProbe`) are signed; every other request is refused: this build has no peg-out
 * validation yet, and a signer never signs what it has not rebuilt and checked.
 */
import { decideProbe, type PolicyDecision, type PolicyRequest } from '@peg/protocol';

export const NO_PEG_OUT_POLICY = 'peg-out validation is not part of this build';

export function decide(request: PolicyRequest): PolicyDecision {
  return decideProbe(request) ?? { approve: false, reason: NO_PEG_OUT_POLICY };
}
