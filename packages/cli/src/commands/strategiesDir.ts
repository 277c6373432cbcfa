import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The strategies folder: the repo's `strategies/`, or `POUNCE_STRATEGIES_DIR` when set (`new` writes
 * there too). Its own module so that commands that only load strategies (backtest, parity) do not
 * import the `strategy` command's live dashboard (ws, prom-client: ~50 ms of every start-up).
 */
export const STRATEGIES_DIR = process.env.POUNCE_STRATEGIES_DIR ? resolve(process.env.POUNCE_STRATEGIES_DIR) : join(ROOT, 'strategies');
