/** Who owns which key ids: a key's signing layout, and @peg/frost's validated form of it. */
import { createLayout, type Layout } from '@peg/frost';

/** Who owns which key ids (exactly 1..K) and the threshold in key ids. */
export type LayoutSpec = { parties: { id: number; keyIds: number[] }[]; threshold: number };

const layouts = new Map<string, Layout>();

/** A validated @peg/frost layout (cached by content: every round of a key uses the same one). */
export function layoutOf(spec: LayoutSpec): Layout {
  const k = `${spec.threshold}|${spec.parties.map((p) => `${p.id}:${p.keyIds.join(',')}`).join(';')}`;
  let l = layouts.get(k);
  if (l === undefined) {
    l = createLayout(spec);
    if (layouts.size > 64) layouts.clear();
    layouts.set(k, l);
  }
  return l;
}
