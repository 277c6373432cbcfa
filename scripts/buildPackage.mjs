// Builds the workspace package in the current folder: removes dist/ (no stale modules survive a
// move), compiles src/ with its tsconfig.build.json (JavaScript, declarations, source maps), then
// copies the non-TypeScript files named as arguments (src/x -> dist/x), e.g. a .proto read at run time.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
for (const asset of process.argv.slice(2)) {
  if (!asset.startsWith('src/')) throw new Error(`buildPackage: asset ${asset}: expected a path under src/`);
  const to = join('dist', relative('src', asset));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(asset, to);
}
