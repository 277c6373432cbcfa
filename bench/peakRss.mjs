// Preloaded into a measured child process (node --import ./bench/peakRss.mjs ...): as the process
// exits, its peak RSS (kB, getrusage's ru_maxrss) and lifetime go to $POUNCE_PEAK_RSS_FILE. It adds
// nothing else to the process it measures.
import { writeFileSync } from 'node:fs';

const file = process.env.POUNCE_PEAK_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, seconds: process.uptime() })));
