/** The differential table (test/differential/rows.ts) run through real bash and the compiler. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROWS } from './rows.js';
import { runTable, same, describe as show } from './harness.js';

const filter = process.env.CMDC_DIFF_FILTER;
const rows = filter ? ROWS.filter((r) => r.name.includes(filter)) : ROWS;
const results = await runTable(rows);
const failures = results.filter((c) => !same(c));
const islands = results.reduce((n, c) => n + c.islands, 0);
const ms = results.map((c) => c.ms).sort((a, b) => a - b);
console.log(`differential: ${results.length - failures.length}/${results.length} rows identical to bash; ` +
  `${islands} islands; per-row median ${ms[Math.floor(ms.length / 2)]?.toFixed(2)} ms, p90 ${ms[Math.floor(ms.length * 0.9)]?.toFixed(2)} ms`);

for (const c of results) {
  test(`bash ≡ compiled: ${c.row.name}`, () => {
    if (!same(c)) assert.unreachable(show(c));
  });
}

test.run();
