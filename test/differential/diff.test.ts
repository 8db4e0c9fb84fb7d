/**
 * The differential table (test/differential/rows.ts) run through real bash and the compiler,
 * once per execution profile, each against its own oracle (test/differential/harness.ts):
 * `script` against `bash -c`, `claude-code` against the Bash tool's `eval` wrapper.
 * Then again with the rows compiled in the typed tier (`--emit typed`, compiler/typed), only the
 * rows that have a typed statement: both tiers must agree with bash.
 * Every row must also compile with 0 bash islands unless it is marked `island: '<why>'`
 * (harness.ts islandProblem): an island runs real bash and would hide a parser mistake.
 * CMDC_DIFF_FILTER=<text> keeps the rows whose name contains it; CMDC_DIFF_PROFILE=<profile> one
 * profile; CMDC_DIFF_TIER=exact|typed one tier.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROWS } from './rows.js';
import { runTable, same, islandProblem, describe as show, type Compared } from './harness.js';
import { PROFILES } from '../../runtime/lang/profile.js';

const filter = process.env.CMDC_DIFF_FILTER;
const only = process.env.CMDC_DIFF_PROFILE;
const tier = process.env.CMDC_DIFF_TIER;
const rows = filter ? ROWS.filter((r) => r.name.includes(filter)) : ROWS;

const runs: { profile: string; results: Compared[] }[] = [];
for (const [profile, emit] of PROFILES.filter((p) => !only || p === only).flatMap((p) => (['exact', 'typed'] as const).map((e) => [p, e] as const))) {
  if (tier && tier !== emit) continue;
  const results = await runTable(rows, { profile, emit });
  // pending rows are known differences of the exact tier
  if (emit === 'exact') runs.push({ profile, results });
  const label = emit === 'exact' ? profile : `${profile}/typed`;
  const failures = results.filter((c) => !same(c) && !c.row.pending);
  const pending = results.filter((c) => c.row.pending);
  const islands = results.reduce((n, c) => n + c.islands, 0);
  const ms = results.map((c) => c.ms).sort((a, b) => a - b);
  console.log(`differential [${label}]: ${results.length - failures.length - pending.length}/${results.length} rows identical to bash, ${pending.length} pending; ` +
    `${islands} islands; per-row median ${ms[Math.floor(ms.length / 2)]?.toFixed(2)} ms, p90 ${ms[Math.floor(ms.length * 0.9)]?.toFixed(2)} ms`);
  for (const c of results) {
    if (c.row.pending) continue;
    test(`[${label}] bash ≡ compiled: ${c.row.name}`, () => {
      if (!same(c)) assert.unreachable(show(c));
      const island = islandProblem(c);
      if (island) assert.unreachable(island);
    });
  }
}

// a known difference (Row.pending) must still differ under some profile: a fix shows up here
for (const row of rows.filter((r) => r.pending)) {
  const cs = runs.flatMap((r) => r.results.filter((c) => c.row === row));
  test(`pending (${row.pending}): ${row.name}`, () => {
    if (cs.length && cs.every(same)) assert.unreachable(`row "${row.name}" is now identical to bash: remove its pending marker`);
  });
}

test.run();
