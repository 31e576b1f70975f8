/**
 * Mutes console output while the Clarinet SDK runs: it echoes every Clarity `print` and every
 * runtime error with console.log/console.error, and the devnet reports those through its own
 * API and pino logs instead. (Accessed by name: the devnet itself never writes to the console.)
 */
const CHANNELS = ['log', 'error', 'warn', 'info', 'debug'] as const;
const sink = globalThis.console as unknown as Record<(typeof CHANNELS)[number], unknown>;

function mute(): () => void {
  const saved = CHANNELS.map((name) => sink[name]);
  for (const name of CHANNELS) sink[name] = () => undefined;
  return () => {
    CHANNELS.forEach((name, i) => {
      sink[name] = saved[i];
    });
  };
}

export function quiet<T>(fn: () => T): T {
  const restore = mute();
  try {
    return fn();
  } finally {
    restore();
  }
}

/** {@link quiet} for an async call (the SDK prints while it loads the project). */
export async function quietAsync<T>(fn: () => Promise<T>): Promise<T> {
  const restore = mute();
  try {
    return await fn();
  } finally {
    restore();
  }
}
