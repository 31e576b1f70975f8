// Regenerates test/fixtures/golden/*.json. Any change to these files is a wire-format change:
// bump PROTOCOL_VERSION and say so in docs/protocol/wire.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { GOLDEN_DIR, goldenCases } from '../test/golden-cases.ts';

mkdirSync(GOLDEN_DIR, { recursive: true });
for (const { name, bytes } of goldenCases()) {
  writeFileSync(new URL(`${name}.json`, GOLDEN_DIR), bytes);
  console.log(`${name}.json ${bytes.length} bytes`);
}
