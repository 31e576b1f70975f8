#!/usr/bin/env -S node --max-semi-space-size=2 --heap-growing-percent=10
// `peg-coordinator`: the command line (cli.ts); failures end with one line on stderr
// and exit 1, or 2 for bad usage or configuration (exitCodeOf of @peg/runtime).
import { exitWith } from '@peg/runtime';
import { coordinatorProgram } from './cli.ts';

// `pnpm start -- <command>` hands a leading `--`.
const argv = process.argv.slice(2);
coordinatorProgram()
  .parseAsync(argv[0] === '--' ? argv.slice(1) : argv, { from: 'user' })
  .catch((err) => exitWith(err));
