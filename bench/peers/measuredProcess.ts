import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessCost {
  /** Wall seconds from spawn to exit: start-up, reading, running and writing, as a user waits. */
  seconds: number;
  /** The process's own peak resident set, MB. */
  peakMB: number;
  /** How the peak was taken: 'rusage' (the kernel's, exact) or 'polled' (VmHWM read every 20 ms). */
  peakBy: 'rusage' | 'polled';
  /** User + system CPU seconds (rusage only): on a shared machine less distorted by other load than wall time. */
  cpuSeconds?: number;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs one command as its own process and measures it whole. With GNU time present the peak is the
 * kernel's maxrss for that process (wait4); otherwise /proc/<pid>/status VmHWM is polled until exit
 * (the high-water mark, so only growth in the last poll interval can be missed). Throws on a non-zero exit.
 */
export async function runMeasured(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessCost> {
  const useTime = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), 'pounce-bench-time-'));
  const timeOut = join(dir, 'rusage');
  try {
    const t0 = performance.now();
    const child = useTime ? spawn(GNU_TIME, ['-f', '%M %U %S', '-o', timeOut, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    let polledKB = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) polledKB = Math.max(polledKB, Number(m[1]));
          } catch {
            /* exited between polls */
          }
        }, 20);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    const seconds = (performance.now() - t0) / 1000;
    if (poll) clearInterval(poll);
    if (code !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} ... exited ${code}: ${stderr}`);
    if (!useTime) return { seconds, peakMB: polledKB / 1024, peakBy: 'polled', stdout };
    const [kB, user, sys] = readFileSync(timeOut, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return { seconds, peakMB: kB! / 1024, peakBy: 'rusage', cpuSeconds: user! + sys!, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
