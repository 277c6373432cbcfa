import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { readJsonLines } from '@pounce/core';
import type { NewOrder } from '@pounce/matching';

/** One state-changing command, stamped with the replay position it happened at. */
export type GatewayCommand =
  | { c: number; k: 'place'; req: NewOrder }
  | { c: number; k: 'place-oca'; reqs: NewOrder[] }
  | { c: number; k: 'cancel'; id: string }
  | { c: number; k: 'modify'; id: string; ch: { quantity?: number; limitPrice?: number; auxPrice?: number; trailingPercent?: number } };

/**
 * Append-only log of the gateway's commands (one JSON line each, written before the reply). The
 * engine is deterministic, so replaying the log against the same bars rebuilds the exact state
 * after a crash or restart.
 */
export class CommandLog {
  constructor(readonly path: string, fresh: boolean) {
    if (fresh || !existsSync(path)) writeFileSync(path, '');
  }

  append(cmd: GatewayCommand): void {
    appendFileSync(this.path, JSON.stringify(cmd) + '\n');
  }

  /** Every complete entry; a torn last line (crash mid-write) is ignored. */
  read(): GatewayCommand[] {
    return readJsonLines<GatewayCommand>(this.path);
  }
}
