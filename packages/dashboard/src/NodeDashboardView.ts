import type { ControlOutcome, StrategyAction, TradingNode } from '@pounce/runtime';

/** The controls the node page offers per strategy (`start` is `pounce ctl`'s). */
export const PAGE_ACTIONS: readonly StrategyAction[] = ['pause', 'resume', 'flatten', 'stop'];

/** A control request from the page: one action on one strategy. */
export interface PageControl {
  type: 'control';
  action: StrategyAction;
  tag: string;
}

/**
 * What the dashboard shows of a node: every strategy (state, P&L, orders, positions) and the
 * account (equity, gross exposure, account risk usage), and the page's control buttons, which act
 * through the node (journaled with `by: dashboard`) as `pounce ctl` does.
 */
export class NodeDashboardView {
  private seq = 0;

  constructor(private readonly node: TradingNode) {}

  snapshot(): Record<string, unknown> {
    const s = this.node.status();
    return {
      type: 'node', seq: ++this.seq, zone: 'America/New_York',
      strategies: s.strategies.map((x) => ({ ...x, openOrderList: this.node.engines.get(x.tag)?.execution.openOrders ?? [] })),
      account: { ...s.account, externalOrders: s.account.externalOrders.length },
    };
  }

  /** Parses a page message; undefined when it is not a well-formed control request. */
  static parse(msg: Record<string, unknown>): PageControl | undefined {
    if (msg.type !== 'control' || typeof msg.tag !== 'string' || !PAGE_ACTIONS.includes(msg.action as StrategyAction)) return undefined;
    return { type: 'control', action: msg.action as StrategyAction, tag: msg.tag };
  }

  async control(c: PageControl): Promise<ControlOutcome & { type: 'control-result'; action: string; tag: string }> {
    const r = await this.node.control(c.action, c.tag, 'dashboard');
    return { type: 'control-result', action: c.action, tag: c.tag, ...r };
  }
}
