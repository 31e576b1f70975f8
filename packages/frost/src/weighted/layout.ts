/**
 * Who owns which key ids (a party's weight), and the threshold counted in key ids. A layout is
 * the caller's configuration: a bad one is a `RangeError` (`TypeError` for a wrong shape).
 * @module
 */
import { InvalidSessionError } from '../errors.ts';
import { isId } from './encoding.ts';

/** One party (signer) and the key ids it owns: its weight. */
export interface PartySpec {
  readonly id: number;
  readonly keyIds: readonly number[];
}

/** Who owns which key ids, and the threshold counted in key ids. */
export interface LayoutSpec {
  readonly parties: readonly PartySpec[];
  readonly threshold: number;
}

/** A validated layout: parties sorted by id, key ids sorted, owner table. Build with `createLayout`. */
export interface Layout {
  readonly parties: readonly PartySpec[];
  readonly threshold: number;
  /** Key ids are exactly 1..totalKeys (WSTS numbering); needed for the O(K) Lagrange tricks. */
  readonly totalKeys: number;
  /** ownerOf[k] = party id owning key id k (index 0 unused). */
  readonly ownerOf: Uint32Array;
  readonly partyById: ReadonlyMap<number, PartySpec>;
}

const MAX_KEYS = 1 << 16;

/**
 * Validates a layout: party ids are distinct uint32 >= 1, every party owns at least one key id,
 * key ids are distinct and together exactly 1..K, and 2 <= threshold <= K.
 */
export function createLayout(spec: LayoutSpec): Layout {
  if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.parties)) {
    throw new TypeError('layout must have a parties array');
  }
  if (spec.parties.length === 0) throw new RangeError('layout has no parties');
  const partyById = new Map<number, PartySpec>();
  let total = 0;
  for (const p of spec.parties) {
    if (!isId(p?.id)) throw new RangeError('party id must be an integer in [1, 2^32-1]');
    if (partyById.has(p.id)) throw new RangeError(`party ${p.id} appears twice`);
    if (!Array.isArray(p.keyIds) || p.keyIds.length === 0) {
      throw new RangeError(`party ${p.id} owns no key ids`);
    }
    total += p.keyIds.length;
    if (total > MAX_KEYS) throw new RangeError(`more than ${MAX_KEYS} key ids`);
    partyById.set(p.id, { id: p.id, keyIds: [...p.keyIds].sort((a, b) => a - b) });
  }
  const ownerOf = new Uint32Array(total + 1);
  for (const p of partyById.values()) {
    for (const k of p.keyIds) {
      if (!Number.isInteger(k) || k < 1 || k > total) {
        throw new RangeError(`key ids must be exactly 1..${total}; party ${p.id} has ${String(k)}`);
      }
      if (ownerOf[k] !== 0) throw new RangeError(`key id ${k} is owned twice`);
      ownerOf[k] = p.id;
    }
  }
  const t = spec.threshold;
  if (!Number.isInteger(t) || t < 2 || t > total) {
    throw new RangeError(`threshold must be an integer in [2, ${total}] key ids`);
  }
  const parties = [...partyById.values()].sort((a, b) => a.id - b.id);
  return { parties, threshold: t, totalKeys: total, ownerOf, partyById };
}

/** The layout where party i owns exactly key id i: the standard (unweighted) FROST shape. */
export function unweightedLayout(count: number, threshold: number): Layout {
  const parties: PartySpec[] = [];
  for (let i = 1; i <= count; i++) parties.push({ id: i, keyIds: [i] });
  return createLayout({ parties, threshold });
}

/** Key ids owned by a set of parties, ascending. Throws on a party id not in the layout. */
export function keyIdsOf(layout: Layout, partyIds: readonly number[]): number[] {
  const out: number[] = [];
  for (const id of partyIds) {
    const p = layout.partyById.get(id);
    if (!p) throw new InvalidSessionError(`party ${String(id)} is not in the layout`);
    out.push(...p.keyIds);
  }
  return out.sort((a, b) => a - b);
}

/** The party `id` of the layout (a caller's argument: RangeError if absent). */
export function getParty(layout: Layout, id: number): PartySpec {
  const p = layout.partyById.get(id);
  if (!p) throw new RangeError(`party ${String(id)} is not in the layout`);
  return p;
}
