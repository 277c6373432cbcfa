/**
 * Parses Java-properties text the way the official SDKs read `tiger_openapi_config.properties`:
 * `#`/`!` comments, `=` or `:` separators (first one wins), trimmed keys and values,
 * a leading UTF-8 BOM stripped, and backslash line continuation.
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
    out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}
