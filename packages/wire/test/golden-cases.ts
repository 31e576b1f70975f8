// The golden fixtures: one sealed example of every message kind (plus a failed DkgEnd and a
// refused Stacks co-sign response), sealed deterministically (fixed keys, zero BIP340 aux
// randomness). scripts/golden.ts writes them;
// golden.test.ts checks that today's code produces exactly the checked-in bytes.
import { KINDS, seal, type UnsignedEnvelope } from '../src/index.ts';
import { failedDkgEnd, refusedCosignResponse, sample, secretKeyOf } from './samples.ts';

export const GOLDEN_DIR = new URL('./fixtures/golden/', import.meta.url);

export function goldenCases(): { name: string; message: UnsignedEnvelope; bytes: Uint8Array }[] {
  const cases: { name: string; message: UnsignedEnvelope }[] = [
    ...KINDS.map((kind) => ({ name: kind, message: sample(kind) })),
    { name: 'dkg-end-failed', message: failedDkgEnd() },
    { name: 'stacks-cosign-response-refused', message: refusedCosignResponse() },
  ];
  return cases.map(({ name, message }) => ({
    name,
    message,
    bytes: seal(message, secretKeyOf(message.sender.partyId), { auxRand: new Uint8Array(32) }),
  }));
}
