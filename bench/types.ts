export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: number;
  better: 'higher' | 'lower';
  detail: string;
}
