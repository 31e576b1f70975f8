import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` atomically and durably with the given mode: a temporary file in the same
 * directory (created exclusively with `mode`), fsynced, then moved into place and the directory
 * fsynced, so a crash leaves either the old file or the new one, never a torn one.
 * With `exclusive`, an existing `path` is an EEXIST error (link(2) instead of rename(2), which
 * would replace it).
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  opts: { mode: number; exclusive?: boolean },
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', opts.mode);
  try {
    // The umask can only remove bits; chmod makes the mode exact whatever it is.
    await handle.chmod(opts.mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    if (opts.exclusive) {
      await fs.link(tmp, path);
      await fs.rm(tmp);
    } else {
      await fs.rename(tmp, path);
    }
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** fsync of a directory, so a rename or link in it survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
