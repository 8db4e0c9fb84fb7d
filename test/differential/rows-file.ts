/**
 * Reads differential rows from a `.rows` text file (bash-heavy tables are easier to write and
 * read as plain text than as JS string literals). Format, one case after another:
 *
 *   # ==== section title          (a comment line; ignored, like any `#` line before a case)
 *   #### row name
 *   bash lines …                  (verbatim, up to the next `####`; trailing blank lines dropped)
 *   ## args: ["a", "b c"]         (options at the end of a case, JSON values:
 *   ## stdin: "line\n"             args, stdin, env, files; `vars` is a list of names)
 *   ## env: {"K": "v"}
 *   ## files: {"f.txt": "x\n"}
 *   ## vars: x y
 *   ## pending: why                (a known difference: the row must still differ, see Row.pending)
 *   ## island: why                 (runs a bash island on purpose, see Row.island)
 *   ## profiles: script            (only under these execution profiles)
 */
import * as fs from 'node:fs';
import type { Row } from './harness.js';

export function loadRows(file: string): Row[] {
  const rows: Row[] = [];
  let cur: Row | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (!cur) return;
    while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
    cur.bash = lines.join('\n');
    if (!cur.bash) throw new Error(`${file}: row "${cur.name}" has no bash`);
    rows.push(cur);
  };
  const text = fs.readFileSync(file, 'utf8').split('\n');
  text.forEach((line, i) => {
    if (line.startsWith('#### ')) {
      flush();
      cur = { name: line.slice(5).trim(), bash: '' };
      lines = [];
      return;
    }
    if (!cur || line.startsWith('# ====')) return;
    const opt = /^## (args|stdin|env|files|vars|pending|island|profiles): (.*)$/.exec(line);
    if (opt) {
      const [, key, val] = opt;
      try {
        if (key === 'vars') cur.vars = val!.split(/\s+/).filter(Boolean);
        else if (key === 'pending') cur.pending = val!;
        else if (key === 'island') cur.island = val!;
        else if (key === 'profiles') cur.profiles = val!.split(/\s+/).filter(Boolean) as Row['profiles'];
        else (cur as unknown as Record<string, unknown>)[key!] = JSON.parse(val!);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: bad ${key}: ${(e as Error).message}`);
      }
      return;
    }
    lines.push(line);
  });
  flush();
  return rows;
}
