import { idString } from '../json/bigJson.ts';

/** A wire message that does not have the shape the protocol promises; names the field. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
  constructor(readonly field: string, expected: string, got: unknown) {
    super(`${field}: expected ${expected}, got ${got === null ? 'null' : typeof got}`);
  }
}

export type WireObject = Record<string, unknown>;

export function asObject(v: unknown, field: string): WireObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new WireFormatError(field, 'an object', v);
  return v as WireObject;
}

export function asArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new WireFormatError(field, 'an array', v);
  return v;
}

/** Lenient number: numbers, bigints and numeric strings are accepted (the Go SDK saw type drift). */
export function num(o: WireObject, key: string, fallback?: number): number {
  const v = o[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  throw new WireFormatError(key, 'a number', v);
}

export function str(o: WireObject, key: string, fallback?: string): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  throw new WireFormatError(key, 'a string', v);
}

export function optNum(o: WireObject, key: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : num(o, key);
}

export function optStr(o: WireObject, key: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key);
}

export function id(o: WireObject, key: string): string {
  try {
    return idString(o[key]);
  } catch {
    throw new WireFormatError(key, 'an integer id', o[key]);
  }
}

/** Accepts `[...]`, `{items:[...]}` or a single object, as list endpoints vary (protocol.md 5.8). */
export function items(data: unknown, field: string): unknown[] {
  if (Array.isArray(data)) return data;
  if (data !== null && typeof data === 'object') {
    const o = data as WireObject;
    if (Array.isArray(o.items)) return o.items;
    return [o];
  }
  if (data === null || data === undefined) return [];
  throw new WireFormatError(field, 'a list', data);
}
