/**
 * A gateway process whose replay moves only when its parent says so: each `step` line on stdin
 * advances one bar and answers `at <position> <fills>`. Lets a test kill -9 a real gateway process
 * and still drive the market by events, not by a replay clock racing the test's own start-up.
 *
 * Usage: node --import <tsx loader> steppedGatewayProcess.ts <stateDir> <httpPort> <pushPort> <SYMBOL=csv> [resume]
 */
import { createInterface } from 'node:readline';
import { tieredFees } from '@pounce/matching';
import { Gateway, loadBarFiles } from '@pounce/gateway';

const [stateDir, httpPort, pushPort, data, resume] = process.argv.slice(2);
if (!stateDir || !httpPort || !pushPort || !data) throw new Error('usage: steppedGatewayProcess.ts <stateDir> <httpPort> <pushPort> <SYMBOL=csv> [resume]');
const gw = await Gateway.start({
  stateDir, bars: loadBarFiles([data]), speed: 'manual', httpPort: Number(httpPort), pushPort: Number(pushPort), resume: resume === 'resume',
  matching: { fees: tieredFees(), participation: 1, initialCash: 1_000_000 },
});
process.stdout.write(`client config ${gw.clientConfigPath}\nready\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'step') gw.advance(1);
  process.stdout.write(`at ${gw.replay.position} ${gw.engine.fillsOf(gw.account).length}\n`);
}
await gw.stop();
