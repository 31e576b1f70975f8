import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One state-changing operation; replaying them in order rebuilds both chains exactly. */
export type JournalOp =
  | { op: 'stx'; hex: string }
  | { op: 'btc'; hex: string }
  | { op: 'mine'; script: string; time: number }
  | { op: 'faucet-stx'; hex: string }
  | { op: 'mint-stx'; principal: string; amount: string };

type Header = { devnet: 1; sourcesHash: string };

/**
 * The data folder's append-only journal (JSON lines). The simnet cannot be saved, so state is
 * kept as the operations that produced it, and rebuilt on start by replaying them.
 */
export class Journal {
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Existing operations, or [] for a new folder; refuses a folder made with other contracts. */
  open(sourcesHash: string): JournalOp[] {
    if (!existsSync(this.path)) {
      writeFileSync(this.path, `${JSON.stringify({ devnet: 1, sourcesHash } satisfies Header)}\n`);
      return [];
    }
    const lines = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const header = JSON.parse(lines[0] ?? '{}') as Partial<Header>;
    if (header.devnet !== 1) throw new Error(`${this.path} is not a devnet journal`);
    if (header.sourcesHash !== sourcesHash) {
      throw new Error(
        `${this.path} was made with other contract sources; start with a new --data folder (or delete this one)`,
      );
    }
    const ops: JournalOp[] = [];
    const body = lines.slice(1);
    for (const [i, line] of body.entries()) {
      try {
        ops.push(JSON.parse(line) as JournalOp);
      } catch {
        // Only the last line can be cut short (a crash mid-append); it was never acknowledged.
        if (i === body.length - 1) {
          writeFileSync(this.path, `${[lines[0], ...body.slice(0, -1)].join('\n')}\n`);
          break;
        }
        throw new Error(`${this.path}: line ${i + 2} is not valid JSON`);
      }
    }
    return ops;
  }

  append(op: JournalOp): void {
    appendFileSync(this.path, `${JSON.stringify(op)}\n`);
  }
}
