// Child process of keystore-rotate-crash.test.ts: rotates the identity key as fast as it can
// until killed, printing each new identity key once the rotation returned (file in place).
import { Keystore } from '../src/keystore/keystore.ts';

const [path, password] = process.argv.slice(2);
for (;;) {
  const ks = await Keystore.rotateIdentity(path!, password!);
  process.stdout.write(`rotated ${ks.publicInfo().identityKey}\n`);
}
