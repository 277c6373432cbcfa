import { writeSync } from 'node:fs';
import type { EquityPoint } from './BacktestVenue.ts';

/** JSON.stringify's replacer for report.json: Infinity (a profit factor with no loss) as the text "Infinity". */
export const finiteJson = (_k: string, v: unknown): unknown => (v === Infinity ? 'Infinity' : v);

/**
 * One equity point as JSON.stringify writes it, without a replacer: calling the replacer for every
 * key of millions of points was most of the report's time. Non-finite values take the slow path.
 */
export function equityPointJson(p: EquityPoint): string {
  if (!Number.isFinite(p.equity) || !Number.isFinite(p.gross) || (p.benchmark !== undefined && !Number.isFinite(p.benchmark))) return JSON.stringify(p, finiteJson);
  return `{"time":${epochMsText(p.time)},"equity":${p.equity},"gross":${p.gross}${p.benchmark !== undefined ? `,"benchmark":${p.benchmark}` : ''}}`;
}

/**
 * An epoch-ms time as String() writes it, from two small integers: V8 turns an integer above 2^31
 * into text by its general double path, ~0.2 µs each, a seventh of a million-point report.
 */
export function epochMsText(t: number): string {
  if (!(t >= 1e6 && t < 1e15 && Number.isInteger(t))) return String(t);
  const high = Math.floor(t / 1e6);
  return `${high}${String(t - high * 1e6 + 1e6).slice(1)}`;
}

/** Text written at a time: held longer it outlives the young generation; a whole 2,048-point chunk's ~230 KB took twice as long to join and write. */
const WRITE_BYTES = 1 << 16;

/**
 * A report.json array written to `fd` an item at a time, one item per line, ~64 KiB per write.
 * The report and the equity writer thread both write through it, so the bytes are the same
 * whoever writes the array, however its items arrive.
 */
export class JsonArrayWriter {
  private written = 0;
  private part: string[] = [];
  private bytes = 0;

  constructor(private readonly fd: number) {
    writeSync(fd, '[');
  }

  /** Adds one item (already JSON). */
  add(text: string): void {
    this.part.push(text);
    this.bytes += text.length;
    if (this.bytes >= WRITE_BYTES) this.flush();
  }

  /** Writes what is held and the array's close. */
  close(): void {
    this.flush();
    writeSync(this.fd, this.written > 0 ? '\n ]' : ']');
  }

  private flush(): void {
    if (this.part.length === 0) return;
    writeSync(this.fd, `${this.written === 0 ? '\n  ' : ',\n  '}${this.part.join(',\n  ')}`);
    this.written += this.part.length;
    this.part = [];
    this.bytes = 0;
  }
}
