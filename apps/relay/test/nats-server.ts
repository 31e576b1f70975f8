import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';

/** A free loopback TCP port (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function natsServerBinary(): string {
  try {
    execFileSync('nats-server', ['--version'], { stdio: 'ignore' });
    return 'nats-server';
  } catch {
    throw new Error(
      'nats-server is not installed: run scripts/setup.sh (apt-get install nats-server)',
    );
  }
}

export type NatsNode = {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  /** SIGKILL this node (crash). */
  kill(): Promise<void>;
  /** Starts it again with the same config and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

function waitReady(proc: ChildProcess, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`${name} not ready in 15 s:\n${log}`)), 15_000);
    const onData = (d: Buffer): void => {
      log += d.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        proc.stderr?.off('data', onData);
        resolve();
      }
    };
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log}`));
    });
  });
}

function exited(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

async function startNode(bin: string, config: string, name: string): Promise<ChildProcess> {
  const proc = spawn(bin, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitReady(proc, name);
  // Keep draining stderr so the pipe never fills.
  proc.stderr?.on('data', () => {});
  return proc;
}

export type NatsCluster = { nodes: NatsNode[]; urls: string[]; stop(): Promise<void> };

/**
 * Starts `size` nats-server processes with JetStream on loopback ports in a temp directory
 * (size 1: a single server; 3: a JetStream cluster). Stop them with stop().
 */
export async function startNats(
  size = 1,
  opts: { maxPayload?: string } = {},
): Promise<NatsCluster> {
  const bin = natsServerBinary();
  const t = tempDir('peg-nats-');
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const routePorts = await Promise.all(Array.from({ length: size }, () => freePort()));
  const nodes: NatsNode[] = [];
  for (let i = 0; i < size; i++) {
    const name = `n${i}`;
    const config = join(t.dir, `${name}.conf`);
    const cluster =
      size > 1
        ? `cluster {\n  name: peg\n  listen: 127.0.0.1:${routePorts[i]}\n  routes: [${routePorts
            .map((p) => `nats-route://127.0.0.1:${p}`)
            .join(', ')}]\n}\n`
        : '';
    writeFileSync(
      config,
      `server_name: ${name}\nlisten: 127.0.0.1:${ports[i]}\nmax_payload: ${opts.maxPayload ?? '8MB'}\n` +
        `jetstream {\n  store_dir: "${join(t.dir, name)}"\n}\n${cluster}`,
    );
    const node: NatsNode = {
      name,
      port: ports[i] as number,
      url: `127.0.0.1:${ports[i]}`,
      proc: undefined as unknown as ChildProcess,
      async kill() {
        node.proc.kill('SIGKILL');
        await exited(node.proc);
      },
      async restart() {
        node.proc = await startNode(bin, config, name);
      },
      async stop() {
        node.proc.kill('SIGTERM');
        await exited(node.proc);
      },
    };
    nodes.push(node);
  }
  // Cluster members wait for their routes, so start them together.
  await Promise.all(nodes.map(async (n) => n.restart()));
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      t.cleanup();
    },
  };
}
