/**
 * The node flags every long-running process (signer, coordinator, relay) starts with: their
 * `bin` carries them (`#!/usr/bin/env -S node ...`), the federation tests start processes with
 * them, and docs/operations.md gives them to service managers. They are command-line flags:
 * V8 sizes the young generation when the isolate starts, so they cannot be set from inside.
 *
 * Measured (docs/benchmarks.md, 5 signers, 1,000 rounds): V8's defaults let a signer's RSS
 * climb from ~133 MB to 180 MB and more while its live heap stays ~36 MB (garbage waiting for a
 * lazily scheduled full collection); with these, RSS stays 103–122 MB at the same CPU per round.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = [
  // A 2 MB semi-space (default 16 MB): a smaller young generation, scavenged more often.
  '--max-semi-space-size=2',
  // Collect the old generation when it grew 10 % past the last live size (default: V8 lets it
  // grow by a factor up to 4 when collections look cheap).
  '--heap-growing-percent=10',
];
