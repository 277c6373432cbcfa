import type { ParamSpecs, ParamValues } from './types.ts';

export class ParamError extends Error {
  override readonly name = 'ParamError';
}

/**
 * Validates `k=v` overrides against the spec: unknown names, wrong types and out-of-range values
 * are errors that name the parameter and what was expected.
 *
 * @example
 * ```ts
 * parseParams({ fast: { type: 'integer', default: 10, min: 1 } }, { fast: '5' }); // { fast: 5 }
 * ```
 */
export function parseParams<S extends ParamSpecs>(spec: S, raw: Record<string, string | number | boolean>): ParamValues<S> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(raw)) {
    if (!(name in spec)) throw new ParamError(`unknown parameter "${name}"; this strategy takes: ${Object.keys(spec).join(', ') || '(none)'}`);
  }
  for (const [name, p] of Object.entries(spec)) {
    const v = raw[name];
    if (v === undefined) {
      out[name] = p.default;
      continue;
    }
    if (p.type === 'number' || p.type === 'integer') {
      const n = typeof v === 'number' ? v : Number(v);
      if (typeof v === 'boolean' || String(v).trim() === '' || !Number.isFinite(n)) throw new ParamError(`parameter ${name}: expected a number, got "${String(v)}"`);
      if (p.type === 'integer' && !Number.isInteger(n)) throw new ParamError(`parameter ${name}: expected a whole number, got ${n}`);
      if (p.min !== undefined && n < p.min) throw new ParamError(`parameter ${name}: expected at least ${p.min}, got ${n}`);
      if (p.max !== undefined && n > p.max) throw new ParamError(`parameter ${name}: expected at most ${p.max}, got ${n}`);
      out[name] = n;
    } else if (p.type === 'boolean') {
      if (v === true || v === 'true' || v === '1') out[name] = true;
      else if (v === false || v === 'false' || v === '0') out[name] = false;
      else throw new ParamError(`parameter ${name}: expected true or false, got "${String(v)}"`);
    } else if (p.type === 'string') {
      const s = String(v);
      if (p.choices && !p.choices.includes(s)) throw new ParamError(`parameter ${name}: expected one of ${p.choices.join(', ')}, got "${s}"`);
      out[name] = s;
    }
  }
  return out as ParamValues<S>;
}

/** Splits CLI `--param k=v` items into a record, rejecting items without `=`. */
export function paramPairs(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ParamError(`--param ${item}: expected name=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}
