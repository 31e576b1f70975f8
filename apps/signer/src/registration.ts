/**
 * A signer's place in the registry: admitted by the registry's admin (`set-signer-weight`), then
 * its own Stacks key registered from its own account (`register-signer-key`). The signer waits
 * for admission, and registers (or re-registers after a key change) by itself.
 */
import { type HostLogger, type OperatorContext, sendContractCall, sleep } from '@peg/runtime';
import { registerSignerKeyCall } from '@peg/stacks-client';

/** Waits until the registry admitted this operator's account, then makes sure its key is registered. */
export async function ensureRegistered(
  ctx: OperatorContext,
  logger: HostLogger,
  signal: AbortSignal,
): Promise<void> {
  const key = ctx.info.stacksPublicKey;
  let told = false;
  while (!signal.aborted) {
    const entry = await ctx.stacks.getSigner(ctx.stacksAddress);
    if (entry === undefined || entry.weight === 0n) {
      if (!told)
        logger.warn(
          { account: ctx.stacksAddress },
          'not admitted by the registry yet: the admin must call set-signer-weight for this account',
        );
      told = true;
      await sleep(ctx.config.stacks.pollMs, signal);
      continue;
    }
    if (entry.publicKey === key) {
      logger.info({ account: ctx.stacksAddress, weight: Number(entry.weight) }, 'registered');
      return;
    }
    logger.info({ account: ctx.stacksAddress, key }, 'registering the Stacks key');
    const secret = ctx.keystore.stacksSecretKey();
    try {
      const info = await sendContractCall(ctx.stacks, registerSignerKeyCall(key), {
        senderKey: secret,
        network: ctx.config.stacks.network,
      });
      logger.info({ txid: info.txid }, 'register-signer-key mined');
    } finally {
      secret.fill(0);
    }
  }
}
