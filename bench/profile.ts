// npm run bench:profile -- <benchmark>: runs one benchmark under the V8 CPU profiler and prints the
// functions with the most self time. The .cpuprofile stays in .pounce/profiles for Chrome DevTools.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: npm run bench:profile -- <throughput|memory|signing|roundtrip|push|sweep> [top N]\n');
  process.exit(64);
}
const top = Number(process.argv[3] ?? 30);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '.pounce', 'profiles');
mkdirSync(dir, { recursive: true });
const loader = pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href;
const before = new Set(readdirSync(dir));
execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', loader, join(root, 'bench/runOne.ts'), name], { stdio: ['ignore', 'inherit', 'inherit'] });

// One profile per thread (tsx's loader runs on its own); the benchmark's is the biggest.
const newest = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f)).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
const profile = JSON.parse(readFileSync(newest, 'utf8')) as CpuProfile;
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFunction = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const us = selfUs.get(n.id) ?? 0;
  total += us;
  const where = n.callFrame.url ? ` ${n.callFrame.url.replace(pathToFileURL(root).href, '').replace(/^.*node_modules\//, '')}` : '';
  const key = `${n.callFrame.functionName || '(anonymous)'}${where}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
}
process.stdout.write(`\n${newest}\nself time, top ${top} of ${(total / 1000).toFixed(0)} ms:\n`);
for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${fn}\n`);
}
