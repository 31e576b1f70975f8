import { readFileSync } from 'node:fs';
import type { Route } from './fixture-fetch.ts';

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export type Scenario = {
  deployer: string;
  user: string;
  signers: Array<{ address: string; publicKey: string }>;
  aggregate: string;
  signerPrincipal: string;
  burnHeight: number;
  burnHash: string;
  sweepTxid: string;
  minedTx: { txid: string; height: number };
};

export const scenario = fixture<Scenario>('scenario.json');

type CallRead = { path: string; arguments: string[]; status: number; body: unknown };

/** The recorded read-only answers, matched on path and arguments. */
export function callReadRoutes(): Route[] {
  return fixture<CallRead[]>('call-read.json').map((r) => ({
    method: 'POST',
    path: r.path,
    status: r.status,
    body: r.body,
    match: (json) =>
      JSON.stringify((json as { arguments?: unknown } | undefined)?.arguments) ===
      JSON.stringify(r.arguments),
  }));
}

export function dataVarRoutes(): Route[] {
  return fixture<Array<{ path: string; status: number; body: unknown }>>('data-var.json').map(
    (r) => ({
      method: 'GET',
      path: r.path,
      status: r.status,
      body: r.body,
    }),
  );
}
