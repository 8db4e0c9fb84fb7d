/**
 * The concurrency lint (compiler/lint/): every rule has a failing fixture whose expected hits
 * are marked in the file (`# expect: <rule-id>` at the end of the line the diagnostic points
 * at) and a clean fixture with none; a table of variants per rule (one row = one block text and
 * the hits expected); violations planted in a copy of the project's own commands are all
 * caught while the originals are clean; `--fix` rewrites only `date +%s`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyFixes, lintSource, RULES } from '../../compiler/lint/index.js';
import { formatDiagnostic } from '../../compiler/diagnostics.js';
import { createLibraryCache } from '../../compiler/analysis/library.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIX = join(ROOT, 'test/fixtures/lint');
/** Parsed libraries shared by every lint of this file (parsing them is the slow part). */
const cache = createLibraryCache();

/** Lines marked `# expect: id` in a fixture, per rule id. */
function expected(source: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  source.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/# expect: ([a-z-]+)/g)) out.set(m[1]!, [...(out.get(m[1]!) ?? []), i + 1]);
  });
  return out;
}

function md(...blocks: string[]): string {
  return ['---', 'description: row', '---', '', ...blocks.map((b, i) => `## Block ${i + 1}\n\n\`\`\`bash\n${b}\n\`\`\`\n`)].join('\n');
}

function hits(source: string, rule?: string): string[] {
  const r = lintSource('row.md', source, rule ? { rules: [rule], cache } : { cache });
  return r.diagnostics.map((d) => `${d.id}:${d.line}`);
}

test('every rule has a failing and a clean fixture', () => {
  const bad = readdirSync(join(FIX, 'bad')).map((f) => f.replace(/\.md$/, ''));
  const clean = readdirSync(join(FIX, 'clean')).map((f) => f.replace(/\.md$/, ''));
  for (const r of RULES) {
    assert.ok(bad.includes(r.id), `missing test/fixtures/lint/bad/${r.id}.md`);
    assert.ok(clean.includes(r.id), `missing test/fixtures/lint/clean/${r.id}.md`);
  }
});

for (const r of RULES) {
  test(`fixture bad/${r.id}.md: exactly the marked lines are flagged`, () => {
    const file = `test/fixtures/lint/bad/${r.id}.md`;
    const source = readFileSync(join(ROOT, file), 'utf8');
    const want = expected(source);
    assert.ok((want.get(r.id) ?? []).length >= 3, 'a failing fixture has at least 3 variants');
    const result = lintSource(file, source, { cache });
    const got = new Map<string, number[]>();
    for (const d of result.diagnostics) got.set(d.id, [...(got.get(d.id) ?? []), d.line]);
    const show = result.diagnostics.map((d) => formatDiagnostic(d, source)).join('\n');
    assert.equal(got.get(r.id) ?? [], want.get(r.id) ?? [], show);
    for (const d of result.diagnostics) {
      assert.ok(d.message.length > 0 && !d.message.includes('\n'), 'one-line message');
      assert.ok(d.hint, 'a hint');
      assert.is(d.file, file);
    }
  });
  test(`fixture clean/${r.id}.md: nothing is flagged`, () => {
    const file = `test/fixtures/lint/clean/${r.id}.md`;
    const source = readFileSync(join(ROOT, file), 'utf8');
    const result = lintSource(file, source, { cache });
    assert.equal(result.diagnostics.map((d) => formatDiagnostic(d, source)), []);
  });
}

// One row: the rule, the blocks of a command, the number of hits of that rule.
const ROWS: { rule: string; blocks: string[]; hits: number; note?: string }[] = [
  // shared-state-id-file
  { rule: 'shared-state-id-file', blocks: ['echo "$ID" > /tmp/review_state_id.txt', 'ID=$(cat /tmp/review_state_id.txt)'], hits: 1 },
  { rule: 'shared-state-id-file', blocks: ['F=.claude/tmp/x.json; jq -n 1 > "$F"', 'jq . .claude/tmp/x.json'], hits: 1 },
  { rule: 'shared-state-id-file', blocks: ['D="$HOME/.claude/tmp"; echo "$P" | tee "$D/last_path.txt"', 'P=$(head -1 ~/.claude/tmp/last_path.txt)'], hits: 1 },
  { rule: 'shared-state-id-file', blocks: ['touch "${TMPDIR:-/tmp}/review.lock"', '[ -e "${TMPDIR:-/tmp}/review.lock" ] && echo busy'], hits: 1 },
  { rule: 'shared-state-id-file', blocks: ['echo x > "/tmp/review_${WORKFLOW_ID}.txt"', 'cat "/tmp/review_${WORKFLOW_ID}.txt"'], hits: 0, note: 'keyed' },
  { rule: 'shared-state-id-file', blocks: ['echo x > "/tmp/r_$$.txt"; cat "/tmp/r_$$.txt"'], hits: 0 },
  { rule: 'shared-state-id-file', blocks: ['echo x > "$OUT"', 'cat "$OUT"'], hits: 0, note: 'unknown path' },
  { rule: 'shared-state-id-file', blocks: ['echo x > docs/summary.md', 'cat docs/summary.md'], hits: 0, note: 'project file' },
  // mtime-discovery
  { rule: 'mtime-discovery', blocks: ['F=$(ls -tr .claude/tmp/workflow_x_*.sh | tail -1)'], hits: 1 },
  { rule: 'mtime-discovery', blocks: ['F=$(ls --sort=time "$STATE_DIR" | head -n1)'], hits: 1 },
  { rule: 'mtime-discovery', blocks: ['find "$D/.claude/tmp" -name "state_*" -printf "%C@ %p\\n" | sort -n | tail -1'], hits: 1 },
  { rule: 'mtime-discovery', blocks: ['for f in .claude/tmp/workflow_*.sh; do m=$(stat -c %Y "$f"); if [ "$m" -gt "$best" ]; then best=$m; newest=$f; fi; done'], hits: 1 },
  { rule: 'mtime-discovery', blocks: ['ls -t src/*.ts | head -1'], hits: 0 },
  { rule: 'mtime-discovery', blocks: ['ls -lt .claude/tmp/ | head'], hits: 0, note: 'a listing for people' },
  // second-precision-id
  { rule: 'second-precision-id', blocks: ['WORKFLOW_ID="x_`date +%s`"'], hits: 1 },
  { rule: 'second-precision-id', blocks: ['NOW=$(date -u +%Y%m%dT%H%M%S); REVIEW_ID="review-$NOW"'], hits: 1 },
  { rule: 'second-precision-id', blocks: ['export WORKFLOW_ID="deploy_$(date +%s)_$RANDOM"'], hits: 1 },
  { rule: 'second-precision-id', blocks: ['WORKFLOW_ID="x_$(date +%s%N)"; T0=$(date +%s)'], hits: 0 },
  { rule: 'second-precision-id', blocks: ['WORKFLOW_ID="x_$(date +%s)_${BASHPID}"'], hits: 0 },
  // trap-deletes-state
  { rule: 'trap-deletes-state', blocks: ['trap "rm -f \\"$STATE_FILE\\"; echo bye" EXIT'], hits: 1 },
  { rule: 'trap-deletes-state', blocks: ['on_err() { unlink "$WORKFLOW_STATE_FILE"; }\ntrap on_err ERR'], hits: 1 },
  { rule: 'trap-deletes-state', blocks: ['f() { g; }\ng() { rm -f .claude/tmp/workflow_${WORKFLOW_ID}.sh; }\ntrap f SIGTERM EXIT'], hits: 1 },
  { rule: 'trap-deletes-state', blocks: ['trap "rm -rf $WORK_DIR" EXIT'], hits: 0 },
  { rule: 'trap-deletes-state', blocks: ['trap -p EXIT'], hits: 0 },
  // foreign-state-cleanup
  { rule: 'foreign-state-cleanup', blocks: ['rm .claude/tmp/workflow_*'], hits: 1 },
  { rule: 'foreign-state-cleanup', blocks: ['find "$CLAUDE_PROJECT_DIR/.claude/tmp" -type f -exec rm -f {} +'], hits: 1 },
  { rule: 'foreign-state-cleanup', blocks: ['rm -rf ~/.claude/tmp/'], hits: 1 },
  { rule: 'foreign-state-cleanup', blocks: ['rm -f .claude/tmp/workflow_${WORKFLOW_ID}*'], hits: 0 },
  { rule: 'foreign-state-cleanup', blocks: ['rm -f /tmp/build_*.log'], hits: 0 },
  // unquoted-path-in-rm-mv
  { rule: 'unquoted-path-in-rm-mv', blocks: ['rm -f $OUT_DIR/*.tmp'], hits: 1 },
  { rule: 'unquoted-path-in-rm-mv', blocks: ['mv -- `pwd`/a b'], hits: 1 },
  { rule: 'unquoted-path-in-rm-mv', blocks: ['rm -rf ${BUILD_DIR%/}'], hits: 1 },
  { rule: 'unquoted-path-in-rm-mv', blocks: ['X=/tmp/a.txt; rm -f $X'], hits: 0 },
  { rule: 'unquoted-path-in-rm-mv', blocks: ['rm -f "$A" "${B}" "$(cat list)"'], hits: 0 },
  // state-write-bypass
  { rule: 'state-write-bypass', blocks: ['echo "X=$X" >> "$STATE_FILE"'], hits: 1 },
  { rule: 'state-write-bypass', blocks: ['F=".claude/tmp/workflow_${WORKFLOW_ID}.sh"; printf "%s=%s\\n" K "$V" >> "$F"'], hits: 1 },
  { rule: 'state-write-bypass', blocks: ['cat <<< "Y=$Y" >> "$STATE_FILE"'], hits: 1 },
  { rule: 'state-write-bypass', blocks: ['echo "X=$X" >> "$LOG_FILE"'], hits: 0 },
  { rule: 'state-write-bypass', blocks: ["printf 'X=%q\\n' \"$X\" >> \"$STATE_FILE\""], hits: 0 },
];

for (const row of ROWS) {
  test(`row ${row.rule}: ${row.blocks.join(' ⏎ ')}${row.note ? ` (${row.note})` : ''}`, () => {
    const got = hits(md(...row.blocks), row.rule);
    assert.is(got.length, row.hits, got.join(', '));
  });
}

test('rows cover every rule with at least 3 hitting variants', () => {
  for (const r of RULES) assert.ok(ROWS.filter((x) => x.rule === r.id && x.hits > 0).length >= 3, r.id);
});

test('foreign-state-cleanup through the project library: a call of a function removing a glob is flagged, keyed and TTL ones are not', () => {
  const file = 'test/fixtures/lint/project/.claude/commands/cleanup.md';
  const source = readFileSync(join(ROOT, file), 'utf8');
  const result = lintSource(file, source, { path: join(ROOT, file), cache });
  const show = result.diagnostics.map((d) => formatDiagnostic(d, source)).join('\n');
  assert.equal(result.diagnostics.map((d) => d.line), expected(source).get('foreign-state-cleanup'), show);
  assert.match(show, /purge_captures at \S*cleanup\.sh:12: rm \$\{CLAUDE_PROJECT_DIR:-\$PWD\}\/\.claude\/tmp\/\$\{prefix\}_arg_\*\.txt/);
  // The same calls with the library not found (another project dir): nothing to see.
  assert.equal(lintSource(file, source, { projectDir: join(ROOT, 'test/fixtures/lint/clean'), cache }).diagnostics, []);
});

test("the project's commands are clean", () => {
  for (const f of ['commands/implement.md', 'commands/research.md']) {
    const source = readFileSync(join(ROOT, f), 'utf8');
    assert.equal(lintSource(f, source, { cache }).diagnostics, [], f);
  }
});

/** Violations planted in a copy of the project's commands: each must be caught by its rule. */
const PLANTED: { rule: string; file: string; from: string | RegExp; to: string }[] = [
  { rule: 'second-precision-id', file: 'commands/implement.md', from: 'date +%s%N', to: 'date +%s' },
  { rule: 'second-precision-id', file: 'commands/research.md', from: 'WORKFLOW_ID="research_$(date +%s%N)"', to: 'WORKFLOW_ID="research_$RANDOM"' },
  {
    rule: 'shared-state-id-file',
    file: 'commands/implement.md',
    from: 'export WORKFLOW_ID\n',
    to: 'export WORKFLOW_ID\necho "$WORKFLOW_ID" > "${CLAUDE_PROJECT_DIR}/.claude/tmp/implement_state_id.txt"\n',
  },
  {
    rule: 'shared-state-id-file',
    file: 'commands/research.md',
    from: 'STATE_FILE=$(discover_latest_state_file "research")',
    to: 'WORKFLOW_ID=$(cat "${HOME}/.claude/tmp/research_state_id.txt")\nSTATE_FILE=$(discover_latest_state_file "research")',
  },
  { rule: 'mtime-discovery', file: 'commands/implement.md', from: /discover_latest_state_file "implement"/g, to: 'ls -t "${CLAUDE_PROJECT_DIR:-.}"/.claude/tmp/workflow_implement_*.sh | head -1' },
  { rule: 'mtime-discovery', file: 'commands/research.md', from: 'discover_latest_state_file "research"', to: "find .claude/tmp -name 'workflow_research_*' -printf '%T@ %p\\n' | sort -rn | head -1 | cut -d' ' -f2" },
  { rule: 'trap-deletes-state', file: 'commands/research.md', from: 'source "$STATE_FILE"\n', to: 'source "$STATE_FILE"\ntrap \'rm -f "$STATE_FILE"\' EXIT\n' },
  { rule: 'foreign-state-cleanup', file: 'commands/implement.md', from: '# State files are cleaned up', to: 'rm -f "${CLAUDE_PROJECT_DIR:-.}"/.claude/tmp/workflow_implement_*.sh\n# State files are cleaned up' },
  { rule: 'unquoted-path-in-rm-mv', file: 'commands/research.md', from: 'mkdir -p "$REPORT_DIR"', to: 'rm -rf $REPORT_DIR/tmp\nmkdir -p "$REPORT_DIR"' },
  { rule: 'state-write-bypass', file: 'commands/research.md', from: 'append_workflow_state "TOPIC" "$TOPIC"', to: 'echo "TOPIC=\\"$TOPIC\\"" >> "$STATE_FILE"' },
];

for (const p of PLANTED) {
  test(`planted ${p.rule} in ${p.file} is caught`, () => {
    const original = readFileSync(join(ROOT, p.file), 'utf8');
    const planted = typeof p.from === 'string' ? original.replace(p.from, p.to) : original.replace(p.from, p.to);
    assert.is.not(planted, original, 'the plant applies');
    const got = lintSource(p.file, planted, { cache }).diagnostics.map((d) => d.id);
    assert.ok(got.includes(p.rule), `${p.rule} not in [${got.join(', ')}]`);
  });
}

test('--fix: date +%s becomes date +%s%N (quotes kept), other formats are left alone', () => {
  const source = md('WORKFLOW_ID="a_$(date +%s)"\nRUN_ID="b_$(date \'+%s\')"\nJOB_ID=$(date +%Y%m%d%H%M%S)');
  const before = lintSource('row.md', source, { cache });
  assert.is(before.diagnostics.filter((d) => d.id === 'second-precision-id').length, 3);
  const { text, applied } = applyFixes(source, before.findings);
  assert.is(applied, 2);
  assert.match(text, /WORKFLOW_ID="a_\$\(date \+%s%N\)"/);
  assert.match(text, /RUN_ID="b_\$\(date '\+%s%N'\)"/);
  assert.match(text, /JOB_ID=\$\(date \+%Y%m%d%H%M%S\)/);
  const after = lintSource('row.md', text, { cache }).diagnostics.filter((d) => d.id === 'second-precision-id');
  assert.is(after.length, 1);
  assert.is(applyFixes(text, lintSource('row.md', text, { cache }).findings).applied, 0);
});

test('a block that does not parse is skipped, never a crash', () => {
  const r = lintSource('row.md', md('if then fi (((', 'echo "$X" > /tmp/a_state_id.txt'), { cache });
  assert.equal(r.diagnostics.map((d) => d.id), ['shared-state-id-file']);
});

test.run();
