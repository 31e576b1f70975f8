/**
 * @peg/frost: FROST threshold Schnorr signatures over secp256k1 (RFC 9591 and the ZF Taproot
 * suite). Named exports only.
 * @module
 */
export { abytes } from './assert.ts';
export { type Ciphersuite, SECP256K1, SECP256K1_TR } from './ciphersuite.ts';
export {
  FrostError,
  type Identifier,
  InvalidEncodingError,
  InvalidProofOfKnowledgeError,
  InvalidSecretShareError,
  InvalidSessionError,
  InvalidSignatureShareError,
  NonceReuseError,
  ShareDecryptionError,
} from './errors.ts';
export { createFrost, createFrostTaproot, type Frost, type FrostTaproot } from './frost.ts';
export {
  compareIds,
  deriveIdentifier,
  identifierFromNumber,
  identifierToHex,
  parseIdentifier,
} from './identifier.ts';
export { generateSecretPolynomial } from './keys/dealer.ts';
export { parsePublic, parseSecret, validateSigners, verifyingShareOf } from './keys/packages.ts';
export { tweakPublic, tweakSecret } from './keys/tweak.ts';
export type {
  AggregateOptions,
  DealerShares,
  DKG_Round1,
  DKG_Round2,
  DKG_Secret,
  FrostPublic,
  FrostSecret,
  GenNonce,
  Key,
  NonceCommitments,
  Nonces,
  Signers,
  TweakOptions,
} from './keys/types.ts';
export {
  commitPolynomial,
  type Dealt,
  invalidProofs,
  type KnowledgeClaim,
  type KnowledgeProof,
  proveKnowledge,
  type SecretPolynomial,
  secretPolynomial,
  verifyDealt,
} from './keys/vss.ts';
export { batchWeights } from './math/batch.ts';
export { msm } from './math/msm.ts';
export {
  decodePoint,
  decodeXOnly,
  encodePoint,
  encodeXOnly,
  G,
  hasEvenY,
  Point,
  toEvenY,
  ZERO,
} from './math/point.ts';
export {
  assertDistinctNonZero,
  evaluate,
  evaluateInExponent,
  LagrangeCache,
  lagrangeCoefficient,
  lagrangeCoefficients,
  powers,
  weightedPowers,
} from './math/polynomial.ts';
export {
  add as scalarAdd,
  decodeScalar,
  encodeScalar,
  inv as scalarInv,
  invertBatch,
  mod as scalarMod,
  mul as scalarMul,
  N,
  neg as scalarNeg,
  sub as scalarSub,
} from './math/scalar.ts';
export { type RNG, randomScalar } from './random.ts';
export {
  aggregateRound,
  type RoundAggregateOptions,
  type RoundOutcome,
  roundEquations,
  verifyFinal,
} from './sign/aggregate.ts';
export { parseCommitmentList } from './sign/commitments.ts';
export { commitNonces, type NoncePair, nonceGenerate } from './sign/round1.ts';
export {
  checkOwnNonces,
  messageSession,
  type Round,
  type RoundSigner,
  roundKeyIds,
  signRound,
} from './sign/round2.ts';
export {
  checkShare,
  computeShare,
  createSession,
  encodeCommitmentList,
  invalidShares,
  type KeyShareTerm,
  type ShareEquation,
  type SignerCommitment,
  type SigningKey,
  type SigningSession,
  shareEquation,
  signingKey,
  sortSigners,
  type VerifyingShareTerm,
  verifySignature,
} from './sign/session.ts';
export { secp256k1, taproot } from './suites.ts';
export { type TaprootTweak, taprootTweak, tapTweak, tweakPoint } from './taproot.ts';
// Weighted layer (key ids, DKG with encrypted shares and blame, multi-message signing).
export {
  type AggregateOptions as WeightedAggregateOptions,
  type AggregateOutcome as WeightedAggregateOutcome,
  aggregate as weightedAggregate,
  type CoordinatorKey,
} from './weighted/aggregate.ts';
export { type ComplaintVerdict, judgeComplaint } from './weighted/complaint.ts';
export {
  checkRound1s,
  type DkgFault,
  type DkgFaultKind,
  type DkgOutcome,
  type DkgResult,
  type DkgRound1Options,
  type DkgRound1State,
  type DkgRound2Outcome,
  type DkgRound2State,
  dkgEnd,
  dkgFinish,
  dkgRound1,
  dkgRound2,
  echoHash,
  echoMismatches,
} from './weighted/dkg.ts';
export {
  DKG_ID_LENGTH,
  type DkgComplaint,
  type DkgEnd,
  type DkgRound1,
  type DkgRound2,
  decodeComplaint,
  decodeDkgEnd,
  decodeRound1,
  decodeRound2,
  encodeComplaint,
  encodeDkgEnd,
  encodeRound1,
  encodeRound2,
  makeRound1,
} from './weighted/dkg-messages.ts';
export { type DleqProof, proveDleq, verifyDleq } from './weighted/dleq.ts';
export {
  createLayout,
  keyIdsOf,
  type Layout,
  type LayoutSpec,
  type PartySpec,
  unweightedLayout,
} from './weighted/layout.ts';
export type { SchnorrPok } from './weighted/pok.ts';
export {
  deriveKeyIdPublicShare,
  type PublicSharesCheck,
  verifyKeyIdPublicShares,
} from './weighted/public-shares.ts';
export { decryptShare, encryptShare, pairKey } from './weighted/share-cipher.ts';
export {
  commit as weightedCommit,
  noncesFrom,
  packageRound,
  type SigningContext,
  type SigningNonces,
  type SignMode,
  sign as weightedSign,
  signingContext,
  type WeightedSigningKey,
} from './weighted/signing.ts';
export {
  decodePartyCommitments,
  decodeSignatureShares,
  decodeSigningPackage,
  encodePartyCommitments,
  encodeSignatureShares,
  encodeSigningPackage,
  type NonceCommitment,
  type PartyCommitments,
  type SignatureShares,
  type SigningPackage,
} from './weighted/signing-messages.ts';
