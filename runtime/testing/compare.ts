/**
 * `compareBlock(before, after, block, cases)`: run the same block of two versions of a command
 * (e.g. the bash original and its `cmdc eject`ed ts block) with the test kit on the same recorded
 * inputs, and report every difference in status, stdout, stderr, state after, files written and
 * external commands run. The workflow id and the temp project's path differ between runs by
 * design: they are replaced by `<id>` and `<dir>` (and ISO timestamps by `<time>`) before comparing. State is compared as the
 * state file holds it (text: `7` and `'7'` are the same value), since the two versions' `State`
 * types may differ (a key an ejected block appends from a `v.X` reference is typed string).
 */
import type { CommandModule } from '../command.js';
import { testBlock, type TestBlockOptions, type TestBlockResult } from './test-block.js';

export interface BlockComparison {
  /** True when every case gave the same results. */
  same: boolean;
  /** One line per difference: `case 2: stdout: "…" ≠ "…"`. */
  differences: string[];
}

function normalise(r: TestBlockResult<unknown>): Record<string, unknown> {
  const fix = (s: string) => {
    let out = s.split(r.dir).join('<dir>');
    if (r.workflowId) out = out.split(r.workflowId).join('<id>');
    return out.replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\b/g, '<time>');
  };
  const deep = (v: unknown): unknown =>
    typeof v === 'string' ? fix(v) : typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map(deep) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)])) : v;
  return {
    status: r.status,
    stdout: fix(r.stdout),
    stderr: fix(r.stderr),
    state: deep(Object.fromEntries(Object.entries(r.state as object).map(([k, x]) => [k, x !== null && typeof x === 'object' && !Array.isArray(x) ? JSON.stringify(x) : x]))),
    files: deep(r.files),
    removed: r.removed,
    calls: r.calls.map((c) => deep({ argv: c.argv, stdin: c.stdin, by: c.by })),
  };
}

/** Run `block` of both commands on each case; differences named per case and field. */
export async function compareBlock<S>(before: CommandModule<S>, after: CommandModule<S>, block: string | number, cases: readonly TestBlockOptions<S>[]): Promise<BlockComparison> {
  const differences: string[] = [];
  for (const [i, c] of cases.entries()) {
    const a = normalise((await testBlock(before, block, c)) as TestBlockResult<unknown>);
    const b = normalise((await testBlock(after, block, c)) as TestBlockResult<unknown>);
    for (const k of Object.keys(a)) {
      const x = JSON.stringify(a[k]);
      const y = JSON.stringify(b[k]);
      if (x !== y) differences.push(`case ${i + 1}: ${k}: ${x} ≠ ${y}`);
    }
  }
  return { same: differences.length === 0, differences };
}
