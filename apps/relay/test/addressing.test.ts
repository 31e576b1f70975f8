import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMembership } from '../src/core/membership.ts';
import { as, hex, secretKey, sqliteRelay, type TestRelay } from './helpers.ts';

// The address -> inbox mapping of docs/relay.md ("Addressing"): every process has its own
// inbox; an operator's coordinator is a member of its own (`<party>-coordinator`) that speaks
// for the operator's party, so `all` from the operator's signer reaches it and vice versa.

let relay: TestRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

const key = (i: number) => bytesToHex(schnorr.getPublicKey(secretKey(i)));
const X = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const envelopeFrom = (partyId: number) =>
  hex(JSON.stringify({ kind: 'k', sender: { partyId, publicKey: X } }));

describe('addressing: a signer and the coordinator of one operator', () => {
  it('both get every broadcast the other sends, and --check-sender maps the coordinator to its party', async () => {
    // Keys: secretKey(1) signer 1, secretKey(2) signer 2, secretKey(3) operator 2's coordinator.
    const members = parseMembership({
      federation: 'test',
      members: [
        { id: '1', key: key(1) },
        { id: '2', key: key(2) },
        { id: '2-coordinator', key: key(3), party: '2' },
      ],
    });
    relay = await sqliteRelay({ members, checkSender: true });
    const { app } = relay;
    const asCoordinator = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      as(app, '2-coordinator', method, url, payload, 3);

    const fromSigner = await as(app, '2', 'POST', '/v1/messages', {
      id: 's',
      to: 'all',
      envelope: envelopeFrom(2),
    });
    expect(fromSigner.json().recipients).toEqual(['1', '2-coordinator']);
    const fromCoordinator = await asCoordinator('POST', '/v1/messages', {
      id: 'c',
      to: 'all',
      envelope: envelopeFrom(2),
    });
    expect(fromCoordinator.statusCode).toBe(200);
    expect(fromCoordinator.json().recipients).toEqual(['1', '2']);
    // The coordinator reads its own inbox; it may not post for another party.
    const inbox = await asCoordinator('GET', '/v1/inboxes/2-coordinator/messages');
    expect(inbox.json().messages.map((m: { id: string }) => m.id)).toEqual(['s']);
    const forged = await asCoordinator('POST', '/v1/messages', {
      id: 'f',
      to: ['1'],
      envelope: envelopeFrom(1),
    });
    expect(forged.statusCode).toBe(403);
  });

  it('a members file: party defaults to the id, and is a party id', () => {
    const m = parseMembership({ federation: 'f', members: [{ id: '4', key: key(4) }] });
    expect(m.members.get('4')?.party).toBe('4');
    expect(() =>
      parseMembership({ federation: 'f', members: [{ id: '4', key: key(4), party: 'a.b' }] }),
    ).toThrow();
  });
});
