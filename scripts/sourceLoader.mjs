// Runs Pounce from its TypeScript sources, without a build: `node --import ./scripts/sourceLoader.mjs
// packages/cli/src/main.ts ...` (tests, `npm run dev`). tsx compiles .ts, and the `pounce-source`
// export condition makes every `@pounce/*` import resolve to the package's src/ instead of dist/.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered after tsx, so it runs first and tsx (then Node) resolve with the condition added.
register('./sourceConditionHook.mjs', import.meta.url);
