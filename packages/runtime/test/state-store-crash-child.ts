// Child process of state-store-crash.test.ts: commits steps as fast as it can until killed.
// Step n: state { n, pad }, timers { step: n, odd|even: n }, one outbox message `msg-n`, input
// `in-n`; every other step marks the previous message sent (as a relay client would).
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { StateStore } from '../src/store/state-store.ts';

const [path, keyHex] = process.argv.slice(2);
const store = StateStore.open(path!, { stateKey: hexToBytes(keyHex!) });
let { version } = store.load<{ n: number }>();
const pad = 'p'.repeat(20_000);
process.stdout.write(`ready ${version}\n`);
let lastId: string | undefined;
for (;;) {
  const n = version + 1;
  const r = store.commitStep({
    state: { n, pad },
    timers: { step: n, [n % 2 ? 'odd' : 'even']: n },
    outbox: [{ to: ['2'], envelope: utf8ToBytes(`msg-${n}`) }],
    inputId: `in-${n}`,
  });
  version = r.version;
  if (lastId && n % 2 === 0) store.markSent(lastId);
  lastId = r.outbox[0]?.id;
}
