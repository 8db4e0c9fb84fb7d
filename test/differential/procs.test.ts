/** The processes table (test/differential/rows-procs.ts) run through real bash and the compiler. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROC_ROWS, PENDING } from './rows-procs.js';
import { runTable, same, describe as show } from './harness.js';

const filter = process.env.CMDC_DIFF_FILTER;
const all = process.env.CMDC_DIFF_PENDING ? PROC_ROWS : PROC_ROWS.filter((r) => !PENDING.has(r.name));
const rows = filter ? all.filter((r) => r.name.includes(filter)) : all;
const results = await runTable(rows);
const failures = results.filter((c) => !same(c));
const islands = results.reduce((n, c) => n + c.islands, 0);
const ms = results.map((c) => c.ms).sort((a, b) => a - b);
console.log(`differential (procs): ${results.length - failures.length}/${results.length} rows identical to bash; ` +
  `${islands} islands; ${process.env.CMDC_DIFF_PENDING ? 0 : PENDING.size} pending rows not run (CMDC_DIFF_PENDING=1 runs them); per-row median ${ms[Math.floor(ms.length / 2)]?.toFixed(2)} ms, p90 ${ms[Math.floor(ms.length * 0.9)]?.toFixed(2)} ms`);

for (const c of results) {
  test(`bash ≡ compiled: ${c.row.name}`, () => {
    if (!same(c)) assert.unreachable(show(c));
  });
}

test.run();
