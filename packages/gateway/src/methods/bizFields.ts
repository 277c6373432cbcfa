import { bizParam } from '../http/GatewayError.ts';

export type Biz = Record<string, unknown>;

/** Readers for biz_content fields; a bad field is a 1010 naming it, as the service answers. */
export function reqStr(b: Biz, k: string): string {
  const v = b[k];
  if (typeof v !== 'string' || v === '') throw bizParam(`field '${k}' cannot be empty`);
  return v;
}
export function optStr(b: Biz, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw bizParam(`field '${k}' must be a string`);
  return v;
}
export function optNum(b: Biz, k: string): number | undefined {
  const v = b[k];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw bizParam(`field '${k}' must be a number`);
  return n;
}
export function reqNum(b: Biz, k: string): number {
  const n = optNum(b, k);
  if (n === undefined) throw bizParam(`field '${k}' cannot be empty`);
  return n;
}
/** An id field: accepts JSON numbers of any width and digit strings. */
export function optId(b: Biz, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return String(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  throw bizParam(`field '${k}' must be an order id`);
}
export function strList(b: Biz, k: string): string[] {
  const v = b[k];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '')) return v as string[];
  if (typeof v === 'string' && v !== '') return v.split(',');
  throw bizParam(`field '${k}' must be a non-empty list of symbols`);
}
