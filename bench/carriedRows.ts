/**
 * A partial run's table: the previous latest table with the rows run now replaced (by name) and
 * new ones added at the end; a row not run now keeps its figures, its detail marked `[from <time>]`
 * with the time of the run that measured it, so no figure passes for newer than it is.
 */
export function carriedRows(previousText: string, fresh: string[]): string[] {
  const nameOf = (row: string) => row.split(' | ')[0]!.replace(/^\| /, '');
  const when = /Latest run: (\S+) on/.exec(previousText)?.[1];
  const latest = previousText.includes('Latest run:') ? previousText.slice(previousText.indexOf('Latest run:')).split('\n## ')[0]! : '';
  const old = latest.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| benchmark |'));
  const byName = new Map(fresh.map((r) => [nameOf(r), r]));
  const rows = old.map((r) => {
    const now = byName.get(nameOf(r));
    if (now) return (byName.delete(nameOf(r)), now);
    const cells = r.split(' | ');
    const detail = cells[cells.length - 1]!;
    if (when && !detail.startsWith('[from ')) cells[cells.length - 1] = `[from ${when}] ${detail}`;
    return cells.join(' | ');
  });
  return [...rows, ...byName.values()];
}
