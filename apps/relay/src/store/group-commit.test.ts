import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

function setup(sync: () => Promise<void>) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  return { db, gc: new GroupCommit(db, sync), insert, count };
}

describe('group commit', () => {
  it('settles only after the fsync that follows the commit', async () => {
    let release: () => void = () => {};
    let syncs = 0;
    const { gc, insert, count } = setup(() => {
      syncs++;
      return new Promise<void>((r) => {
        release = r;
      });
    });
    let settled = 0;
    const ops = [1, 2, 3].map((v) => gc.submit(() => insert.run(v)).then(() => settled++));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(count()).toBe(3); // committed in one transaction
    expect(syncs).toBe(1); // one fsync for the group
    expect(settled).toBe(0); // but not acknowledged before it returns
    release();
    await Promise.all(ops);
    expect(settled).toBe(3);
  });

  it('isolates a failing operation in its savepoint', async () => {
    const { gc, insert, count } = setup(async () => {});
    const results = await Promise.allSettled([
      gc.submit(() => insert.run(1)),
      gc.submit(() => {
        insert.run(2);
        insert.run(1); // duplicate key: this op fails and its insert of 2 is undone
      }),
      gc.submit(() => insert.run(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(count()).toBe(2);
  });

  it('refuses to acknowledge anything once an fsync failed', async () => {
    const { gc, insert } = setup(async () => {
      throw new Error('EIO');
    });
    await expect(gc.submit(() => insert.run(1))).rejects.toThrow('EIO');
    await expect(gc.submit(() => insert.run(2))).rejects.toThrow('EIO');
  });

  it('refuses what was queued when an fsync failed, even if a later fsync succeeds', async () => {
    let fail: (err: Error) => void = () => {};
    let syncs = 0;
    const { gc, insert, count } = setup(() => {
      syncs++;
      if (syncs > 1) return Promise.resolve();
      return new Promise<void>((_resolve, reject) => {
        fail = reject;
      });
    });
    const first = gc.submit(() => insert.run(1));
    await new Promise((r) => setImmediate(r));
    expect(syncs).toBe(1);
    const queued = gc.submit(() => insert.run(2)); // queued; its flush runs after the failure
    fail(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    await expect(queued).rejects.toThrow('EIO');
    expect(count()).toBe(1); // and it was never committed
  });
});

describe('group commit maintenance', () => {
  it('pauses commits while maintenance runs, then commits the queue', async () => {
    let finish: () => void = () => {};
    let offered = 0;
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    const gc = new GroupCommit(db, async () => {}, {
      maintenance: () => {
        offered++;
        if (offered > 1) return undefined;
        return new Promise<void>((r) => {
          finish = r;
        });
      },
    });
    await gc.submit(() => insert.run(1));
    await new Promise((r) => setImmediate(r));
    expect(offered).toBe(1);
    const second = gc.submit(() => insert.run(2));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(count()).toBe(1); // paused: not committed yet
    finish();
    await second;
    expect(count()).toBe(2);
  });
});
