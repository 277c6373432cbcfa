import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadData, runBacktest } from '@pounce/backtest';
import smaCross from './index.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Statements in the body of `setup`, nested ones (in callbacks, branches) included. */
function setupStatements(file: string): number {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  let count = 0;
  let inSetup = false;
  const visit = (n: ts.Node): void => {
    if (ts.isMethodDeclaration(n) && n.name.getText(src) === 'setup') {
      inSetup = true;
      ts.forEachChild(n, visit);
      inSetup = false;
      return;
    }
    if (inSetup && ts.isStatement(n) && !ts.isBlock(n)) count++;
    ts.forEachChild(n, visit);
  };
  visit(src);
  return count;
}

describe('sma-cross', () => {
  it('gives the same fills on the shipped NVDA data as the hand-rolled version of 4131db9', async () => {
    const recorded = JSON.parse(readFileSync(here('fills-4131db9.json'), 'utf8')) as { fills: Array<[number, string, string, number, number]> };
    const { bars } = loadData([`NVDA=${here('../../packages/gateway/data/nvda-1999-2014.csv')}`]);
    const r = await runBacktest({ def: smaCross, bars });
    expect(r.fills.map((f) => [f.time, f.symbol, f.action, f.quantity, f.price])).toEqual(recorded.fills);
    expect(recorded.fills.length).toBe(146);
  });

  it('reads as a declaration: at most 15 statements in setup', () => {
    const n = setupStatements(here('index.ts'));
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(15);
  });
});
