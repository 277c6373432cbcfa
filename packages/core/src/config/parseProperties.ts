/**
 * Parses Java-properties text the way the official SDKs read `tiger_openapi_config.properties`:
 * `#`/`!` comments, `=` or `:` separators (first one wins), trimmed keys and values,
 * a leading UTF-8 BOM stripped, and backslash line continuation. A PEM block pasted over several
 * lines (`key=-----BEGIN ... -----`, or `key=` with the BEGIN line below it, up to the END line)
 * is one value, its lines joined with newlines: that is how users paste keys.
 *
 * @example
 * ```ts
 * parseProperties('tiger_id=20150001\naccount=12345678').get('account'); // '12345678'
 * ```
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A trailing backslash joins the next line (keys are often wrapped by editors).
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] ?? '').trim();
    }
    const eq = line.search(/[=:]/);
    if (eq < 0) {
      out.set(line, '');
      continue;
    }
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (value === '' && PEM_BEGIN.test((lines[i + 1] ?? '').trim())) value = (lines[++i] ?? '').trim();
    if (PEM_BEGIN.test(value) && !PEM_END.test(value)) {
      const block = [value];
      let j = i + 1;
      while (j < lines.length && !PEM_END.test(block[block.length - 1]!)) block.push((lines[j++] ?? '').trim());
      // Only a complete block is taken; an unterminated one stays the single line it was.
      if (PEM_END.test(block[block.length - 1]!)) {
        value = block.join('\n');
        i = j - 1;
      }
    }
    out.set(key, value);
  }
  return out;
}

const PEM_BEGIN = /^-----BEGIN [A-Z ]+-----/;
const PEM_END = /-----END [A-Z ]+-----$/;
