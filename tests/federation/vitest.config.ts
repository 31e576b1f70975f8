import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// Whole federations of processes: one test file at a time (each starts 10+ processes).
export default mergeConfig(
  shared,
  defineConfig({ test: { fileParallelism: false, testTimeout: 600_000, hookTimeout: 300_000 } }),
);
