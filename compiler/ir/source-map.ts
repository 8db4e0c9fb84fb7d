/**
 * A standard v3 source map for a generated module, one segment per generated line: a line of a
 * block's code maps to the .md line it came from (compiler/ir/print.ts knows it), every other
 * line to itself in the module (so a stack frame there never borrows a neighbour's .md line).
 * Emitted inline (`//# sourceMappingURL=data:…` as the module's last line): Node with
 * --enable-source-maps, tsx and esbuild bundles all read it; a sibling .map file tsx ignores.
 */

/** Where one generated line comes from: `source` 0 = the .md, 1 = the module itself. */
export interface LineOrigin {
  source: 0 | 1;
  /** 1-based line in that source. */
  line: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 VLQ of a signed integer (the source map v3 encoding). */
export function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v) digit |= 32;
    out += BASE64[digit];
  } while (v);
  return out;
}

/** The map's JSON: `origins[i]` is where generated line i+1 comes from. */
export function sourceMap(file: string, sources: [md: string, self: string], origins: readonly LineOrigin[]): string {
  let prevSource = 0;
  let prevLine = 0;
  const lines = origins.map((o) => {
    const seg = `A${vlq(o.source - prevSource)}${vlq(o.line - 1 - prevLine)}A`;
    prevSource = o.source;
    prevLine = o.line - 1;
    return seg;
  });
  return JSON.stringify({ version: 3, file, sources, names: [], mappings: lines.join(';') });
}

/** The comment that carries a map inline. */
export function sourceMapComment(json: string): string {
  return `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(json, 'utf8').toString('base64')}`;
}

/** Decode a map's `mappings` (first segment of each line) — for tests and `cmdc check`'s code frames. */
export function decodeLines(mappings: string): (LineOrigin | null)[] {
  const out: (LineOrigin | null)[] = [];
  let source = 0;
  let line = 0;
  for (const l of mappings.split(';')) {
    if (!l) {
      out.push(null);
      continue;
    }
    const seg = l.split(',')[0]!;
    const nums: number[] = [];
    let v = 0;
    let shift = 0;
    for (const ch of seg) {
      const d = BASE64.indexOf(ch);
      v += (d & 31) << shift;
      if (d & 32) shift += 5;
      else {
        nums.push(v & 1 ? -(v >>> 1) : v >>> 1);
        v = 0;
        shift = 0;
      }
    }
    source += nums[1] ?? 0;
    line += nums[2] ?? 0;
    out.push({ source: source as 0 | 1, line: line + 1 });
  }
  return out;
}

/** The inline map of a module's text, or null. */
export function readInlineMap(code: string): { sources: string[]; lines: (LineOrigin | null)[] } | null {
  const m = /\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!m) return null;
  const json = JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as { sources: string[]; mappings: string };
  return { sources: json.sources, lines: decodeLines(json.mappings) };
}
