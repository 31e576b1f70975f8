import { describe, expect, it } from 'vitest';
import { createStacksClient, EVENTS_PAGE_SIZE, StacksClientError } from '../src/index.ts';
import { BASE, fixtureFetch, type Route } from './fixture-fetch.ts';
import { fixture, scenario } from './fixtures.ts';

type Tx = { tx_id: string; block_height: number };
type Page = {
  limit: number;
  offset: number;
  results: Array<{ tx_id: string; contract_log: { value: { repr: string } } }>;
};

const registryId = `${scenario.deployer}.sbtc-registry`;
const eventsPath = (offset: number) =>
  `/extended/v1/contract/${registryId}/events?limit=${EVENTS_PAGE_SIZE}&offset=${offset}`;
const txRoutes = (): Route[] =>
  fixture<Tx[]>('txs.json').map((tx) => ({
    method: 'GET',
    path: `/extended/v1/tx/${tx.tx_id}`,
    body: tx,
  }));

const make = (routes: Route[]) => {
  const fetch = fixtureFetch(routes);
  return {
    fetch,
    client: createStacksClient({
      nodeUrl: BASE,
      network: 'devnet',
      contracts: { address: scenario.deployer },
      fetch,
    }),
  };
};

describe('contract print events since a height', () => {
  const page = fixture<Page>('events-sbtc-registry.json');

  it('returns every event oldest first with heights and topics', async () => {
    const { client } = make([{ method: 'GET', path: eventsPath(0), body: page }, ...txRoutes()]);
    const events = await client.getContractEvents('registry', 0);
    expect(events).toHaveLength(page.results.length);
    expect(events.map((e) => e.topic)).toEqual([
      'signer-weight',
      'signer-key-registered',
      'signer-weight',
      'signer-key-registered',
      'signer-weight',
      'signer-key-registered',
      'key-rotation',
      'withdrawal-create',
      'withdrawal-create',
      'withdrawal-create',
      'withdrawal-accept',
      'withdrawal-reject',
    ]);
    const heights = events.map((e) => e.blockHeight);
    expect([...heights].sort((a, b) => a - b)).toEqual(heights);
    expect(events.at(-1)).toMatchObject({
      contractId: registryId,
      hex: expect.stringMatching(/^0c/),
    });
  });

  it('refuses a height that is not a non-negative integer, before any request', async () => {
    const { client, fetch } = make([]);
    await expect(client.getContractEvents('registry', Number.NaN)).rejects.toThrow(RangeError);
    await expect(client.getContractEvents('registry', -1)).rejects.toThrow(RangeError);
    expect(fetch.calls).toHaveLength(0);
  });

  it('stops at the first event below the height, without reading further pages', async () => {
    const txs = fixture<Tx[]>('txs.json');
    const rotation = page.results.find((r) => r.contract_log.value.repr.includes('key-rotation'))!;
    const since = txs.find((t) => t.tx_id === rotation.tx_id)!.block_height;
    const { client, fetch } = make([
      { method: 'GET', path: eventsPath(0), body: page },
      ...txRoutes(),
    ]);
    const events = await client.getContractEvents('registry', since);
    expect(events.map((e) => e.topic)).toEqual([
      'key-rotation',
      'withdrawal-create',
      'withdrawal-create',
      'withdrawal-create',
      'withdrawal-accept',
      'withdrawal-reject',
    ]);
    // one events page, then one lookup per transaction down to the first older one
    expect(fetch.calls.filter((c) => c.url.includes('/events'))).toHaveLength(1);
    expect(fetch.calls.filter((c) => c.url.includes('/extended/v1/tx/'))).toHaveLength(7);
  });

  it('pages on while pages are full', async () => {
    const txs = fixture<Tx[]>('txs.json');
    const one = page.results[0]!;
    const full = {
      limit: 50,
      offset: 0,
      results: Array.from({ length: EVENTS_PAGE_SIZE }, () => one),
    };
    const tail = { limit: 50, offset: 50, results: [page.results[1]!] };
    const { client, fetch } = make([
      { method: 'GET', path: eventsPath(0), body: full },
      { method: 'GET', path: eventsPath(EVENTS_PAGE_SIZE), body: tail },
      ...txs.map((tx) => ({
        method: 'GET' as const,
        path: `/extended/v1/tx/${tx.tx_id}`,
        body: tx,
      })),
    ]);
    const events = await client.getContractEvents('registry', 0);
    // the full page repeats one event (counted once); the second page adds another
    expect(events).toHaveLength(2);
    expect(fetch.calls.filter((c) => c.url.includes('/events'))).toHaveLength(2);
  });

  it('drops an event repeated across pages (offsets shifted by new events)', async () => {
    const full = {
      limit: 50,
      offset: 0,
      results: page.results.slice(0, 1).concat(Array(EVENTS_PAGE_SIZE - 1).fill(page.results[1])),
    };
    const tail = { limit: 50, offset: 50, results: [page.results[1]!, page.results[2]!] };
    const { client } = make([
      { method: 'GET', path: eventsPath(0), body: full },
      { method: 'GET', path: eventsPath(EVENTS_PAGE_SIZE), body: tail },
      ...txRoutes(),
    ]);
    const events = await client.getContractEvents('registry', 0);
    expect(events).toHaveLength(3);
  });

  it('fails when an event points at an unknown transaction', async () => {
    const { client } = make([{ method: 'GET', path: eventsPath(0), body: page }]);
    await expect(client.getContractEvents('registry', 0)).rejects.toThrow(StacksClientError);
  });
});
