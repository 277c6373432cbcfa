/** A progress reporter: a redrawn bar on a TTY, a line per 10% otherwise. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  let lastDecile = -1;
  const started = Date.now();
  return (done, total) => {
    const frac = total > 0 ? Math.min(1, done / total) : 1;
    if (stream.isTTY) {
      const width = 30;
      const fill = Math.round(frac * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${((Date.now() - started) / 1000).toFixed(1)}s`);
      if (frac >= 1) stream.write('\n');
    } else {
      const decile = Math.floor(frac * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${label} ${decile * 10}%\n`);
      }
    }
  };
}
