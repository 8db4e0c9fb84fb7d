/**
 * The differential rows of test/differential/rows-source.ts (source, eval, trap strings: code
 * met at run time, compiled on first use) run through real bash and the compiler, once per
 * execution profile against its own oracle (as diff.test.ts). CMDC_DIFF_FILTER=<text> keeps the
 * rows whose name contains it; CMDC_DIFF_PROFILE=<profile> one profile.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROWS_SOURCE } from './rows-source.js';
import { runTable, same, islandProblem, describe as show } from './harness.js';
import { PROFILES } from '../../runtime/lang/profile.js';

const filter = process.env.CMDC_DIFF_FILTER;
const only = process.env.CMDC_DIFF_PROFILE;
const rows = filter ? ROWS_SOURCE.filter((r) => r.name.includes(filter)) : ROWS_SOURCE;

for (const profile of PROFILES.filter((p) => !only || p === only)) {
  const results = await runTable(rows, { profile });
  const failures = results.filter((c) => !same(c));
  console.log(`differential (source/eval/trap) [${profile}]: ${results.length - failures.length}/${results.length} rows identical to bash`);
  for (const c of results) {
    test(`[${profile}] bash ≡ compiled: ${c.row.name}`, () => {
      if (!same(c)) assert.unreachable(show(c));
      const island = islandProblem(c);
      if (island) assert.unreachable(island);
    });
  }
}

test.run();
