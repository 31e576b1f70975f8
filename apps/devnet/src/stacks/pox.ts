import { Cl, type ClarityValue, cvToValue, deserializeCV } from '@stacks/transactions';
import type { FastifyInstance } from 'fastify';
import type { StacksNode } from './node.ts';

/** The PoX contract the devnet's epoch runs (boot contracts live at the boot address). */
export const POX_CONTRACT = 'ST000000000000000000002AMW42H.pox-4';

type PoxInfo = {
  'first-burnchain-block-height': bigint;
  'min-amount-ustx': bigint;
  'prepare-cycle-length': bigint;
  'reward-cycle-length': bigint;
  'total-liquid-supply-ustx': bigint;
};

function readOnly(node: StacksNode, fn: string, args: ClarityValue[]): ClarityValue {
  const res = node.chain.callReadOnly(
    POX_CONTRACT,
    fn,
    args.map((a) => Cl.serialize(a)),
    POX_CONTRACT.split('.')[0]!,
  );
  if (!res.okay) throw new Error(`${POX_CONTRACT}::${fn} failed: ${res.cause}`);
  return deserializeCV(res.result);
}

/**
 * `GET /v2/pox`, computed from the simnet's own pox-4 (`get-pox-info`, `get-total-ustx-stacked`)
 * and the burn tip, in the node's field names. Fields a node derives from its reward-set
 * machinery (activation threshold, reward slots, rejection votes) are not served.
 */
export function registerPoxRoute(app: FastifyInstance, node: StacksNode): void {
  app.get('/v2/pox', async () => {
    const info = cvToValue(readOnly(node, 'get-pox-info', [])).value as Record<
      keyof PoxInfo,
      { value: string }
    >;
    const n = (k: keyof PoxInfo) => Number(info[k].value);
    const first = n('first-burnchain-block-height');
    const cycleLength = n('reward-cycle-length');
    const prepareLength = n('prepare-cycle-length');
    const minAmount = n('min-amount-ustx');
    const height = node.burnTip().height;
    const cycle = Math.max(0, Math.floor((height - first) / cycleLength));
    const nextStart = first + (cycle + 1) * cycleLength;
    const prepareStart = nextStart - prepareLength;
    const stacked = (c: number) =>
      Number(cvToValue(readOnly(node, 'get-total-ustx-stacked', [Cl.uint(c)])));
    const current = stacked(cycle);
    const next = stacked(cycle + 1);
    return {
      contract_id: POX_CONTRACT,
      first_burnchain_block_height: first,
      current_burnchain_block_height: height,
      prepare_phase_block_length: prepareLength,
      reward_phase_block_length: cycleLength - prepareLength,
      total_liquid_supply_ustx: n('total-liquid-supply-ustx'),
      current_cycle: {
        id: cycle,
        min_threshold_ustx: minAmount,
        stacked_ustx: current,
        is_pox_active: current > 0,
      },
      next_cycle: {
        id: cycle + 1,
        min_threshold_ustx: minAmount,
        stacked_ustx: next,
        prepare_phase_start_block_height: prepareStart,
        blocks_until_prepare_phase: prepareStart - height,
        reward_phase_start_block_height: nextStart,
        blocks_until_reward_phase: nextStart - height,
      },
      min_amount_ustx: minAmount,
      prepare_cycle_length: prepareLength,
      reward_cycle_id: cycle,
      reward_cycle_length: cycleLength,
      next_reward_cycle_in: nextStart - height,
      contract_versions: [
        {
          contract_id: POX_CONTRACT,
          activation_burnchain_block_height: first,
          first_reward_cycle_id: 0,
        },
      ],
    };
  });
}
