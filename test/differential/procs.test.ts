/**
 * The processes table (test/differential/rows-procs.ts) run through real bash and the compiler,
 * once per execution profile, each against its own oracle (as diff.test.ts). Rows listed in
 * PENDING are not run (some hang until fixed); CMDC_DIFF_PENDING=1 runs them too.
 * CMDC_DIFF_FILTER=<text> keeps the rows whose name contains it; CMDC_DIFF_PROFILE=<profile> one profile.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PROC_ROWS, PENDING } from './rows-procs.js';
import { runTable, same, islandProblem, describe as show } from './harness.js';
import { PROFILES } from '../../runtime/lang/profile.js';

const filter = process.env.CMDC_DIFF_FILTER;
const only = process.env.CMDC_DIFF_PROFILE;
const pending = !!process.env.CMDC_DIFF_PENDING;
const all = pending ? PROC_ROWS : PROC_ROWS.filter((r) => !PENDING.has(r.name));
const rows = filter ? all.filter((r) => r.name.includes(filter)) : all;

for (const profile of PROFILES.filter((p) => !only || p === only)) {
  const results = await runTable(rows, { profile });
  const failures = results.filter((c) => !same(c));
  const islands = results.reduce((n, c) => n + c.islands, 0);
  const ms = results.map((c) => c.ms).sort((a, b) => a - b);
  console.log(`differential (procs) [${profile}]: ${results.length - failures.length}/${results.length} rows identical to bash; ` +
    `${islands} islands; ${pending ? 0 : PENDING.size} pending rows not run; ` +
    `per-row median ${ms[Math.floor(ms.length / 2)]?.toFixed(2)} ms, p90 ${ms[Math.floor(ms.length * 0.9)]?.toFixed(2)} ms`);
  for (const c of results) {
    test(`[${profile}] bash ≡ compiled: ${c.row.name}`, () => {
      if (!same(c)) assert.unreachable(show(c));
      const island = islandProblem(c);
      if (island) assert.unreachable(island);
    });
  }
}

test.run();
