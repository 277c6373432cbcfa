export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: number;
  better: 'higher' | 'lower';
  detail: string;
  /** The row could not run here (detail says why); printed as skipped, no verdict. */
  skipped?: boolean;
}
