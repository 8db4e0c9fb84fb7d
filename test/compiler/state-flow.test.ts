/**
 * The state-flow analysis (compiler/analysis/state-flow.ts): failing and clean fixtures for its
 * three diagnostics (expected hits marked `# expect: <id>` on their line), a table of variants,
 * value kinds, a project whose own library persists through wrappers (found by path, by a
 * loader table the analysis cannot read, and through wrappers of wrappers), and the project's
 * own commands, which must be clean.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCommandSource } from '../../compiler/analysis/blocks.js';
import { analyseStateFlow } from '../../compiler/analysis/state-flow.js';
import { createLibraryCache } from '../../compiler/analysis/library.js';
import { formatDiagnostic } from '../../compiler/diagnostics.js';

const ROOT = resolve(import.meta.dirname, '../..');
const cache = createLibraryCache();
const IDS = ['state-var-not-persisted', 'state-var-never-read', 'restore-unchecked'];

function flowOf(file: string, source?: string) {
  const text = source ?? readFileSync(join(ROOT, file), 'utf8');
  return { text, flow: analyseStateFlow(readCommandSource(file, text), { projectDir: ROOT, cache }) };
}

function expected(source: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  source.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/# expect: ([a-z-]+)/g)) out.set(m[1]!, [...(out.get(m[1]!) ?? []), i + 1]);
  });
  return out;
}

const LIB = 'source "${CLAUDE_PROJECT_DIR:-$(pwd)}/.claude/lib/core/state-persistence.sh" || exit 1';
const RESTORE = 'STATE_FILE=$(discover_latest_state_file "x") || exit 1\nsource "$STATE_FILE" || exit 1';
const INIT = `${LIB}\nWORKFLOW_ID="x_$(date +%s%N)"\ninit_workflow_state "$WORKFLOW_ID" >/dev/null || exit 1`;

function md(...steps: string[]): string {
  // A step starting with "> " is prose (an agent step); anything else a bash block.
  const body = steps.map((s, i) => (s.startsWith('> ') ? `${s.slice(2)}\n` : `## Block ${i + 1}\n\n\`\`\`bash\n${s}\n\`\`\`\n`));
  return ['---', 'description: row', '---', '', ...body].join('\n');
}

for (const id of IDS) {
  for (const kind of ['bad', 'clean'] as const) {
    test(`fixture ${kind}/${id}.md`, () => {
      const file = `test/fixtures/lint/${kind}/${id}.md`;
      const { text, flow } = flowOf(file);
      const want = expected(text);
      const got = new Map<string, number[]>();
      for (const d of flow.diagnostics) got.set(d.id, [...(got.get(d.id) ?? []), d.line]);
      const show = flow.diagnostics.map((d) => formatDiagnostic(d, text)).join('\n');
      if (kind === 'bad') assert.ok((want.get(id) ?? []).length >= 3, 'a failing fixture has at least 3 variants');
      for (const i of IDS) assert.equal(got.get(i) ?? [], want.get(i) ?? [], `${i}\n${show}`);
    });
  }
}

// One row: the steps of a command and the diagnostics expected (ids, in order).
const ROWS: { name: string; steps: string[]; ids: string[] }[] = [
  // state-var-not-persisted
  { name: 'set in block 1, read in block 2, never persisted', steps: [`${INIT}\nA=1`, `${LIB}\n${RESTORE}\necho "$A"`], ids: ['state-var-not-persisted'] },
  { name: 'array set in block 1, read in block 2', steps: [`${INIT}\nFILES=(a b)`, `${LIB}\n${RESTORE}\necho "\${FILES[@]}"`], ids: ['state-var-not-persisted'] },
  { name: 'read set by read in block 1', steps: [`${INIT}\nread -r ANSWER <<< yes`, `echo "$ANSWER"`], ids: ['state-var-not-persisted'] },
  { name: 'CLAUDE_PROJECT_DIR set in block 1, read plainly in block 2', steps: [`CLAUDE_PROJECT_DIR=$(pwd)\nexport CLAUDE_PROJECT_DIR`, `cd "$CLAUDE_PROJECT_DIR"`], ids: ['state-var-not-persisted'] },
  // ${CLAUDE_PROJECT_DIR} (braced, no operator) is text Claude Code replaces before bash runs: not a read.
  { name: 'CLAUDE_PROJECT_DIR set in block 1, ${CLAUDE_PROJECT_DIR} in block 2 (substituted text)', steps: [`if [ -z "\${CLAUDE_PROJECT_DIR:-}" ]; then CLAUDE_PROJECT_DIR=$(pwd); fi\nexport CLAUDE_PROJECT_DIR`, `source "\${CLAUDE_PROJECT_DIR}/.claude/lib/x.sh" || exit 1`], ids: [] },
  { name: 'CLAUDE_SESSION_ID set in block 1, ${CLAUDE_SESSION_ID} in block 2', steps: [`CLAUDE_SESSION_ID=abc`, `echo "session \${CLAUDE_SESSION_ID}"`], ids: [] },
  { name: 'CLAUDE_EFFORT set in block 1, ${CLAUDE_EFFORT} in block 2', steps: [`CLAUDE_EFFORT=high`, `[ "\${CLAUDE_EFFORT}" = high ] && echo hard`], ids: [] },
  { name: 'CLAUDE_PROJECT_DIR set in block 1, ${CLAUDE_PROJECT_DIR%/} in block 2 (an operator: a real read)', steps: [`CLAUDE_PROJECT_DIR=$(pwd)`, `cd "\${CLAUDE_PROJECT_DIR%/}"`], ids: ['state-var-not-persisted'] },
  { name: 'persisted, read with no restore in the block', steps: [`${INIT}\nappend_workflow_state P 1`, `echo "$P"`], ids: ['state-var-not-persisted'] },
  { name: 'read in a function called before the restore', steps: [`${INIT}\nappend_workflow_state P 1`, `${LIB}\nf() { echo "$P"; }\nf\n${RESTORE}`], ids: ['state-var-not-persisted'] },
  { name: 'persisted and restored', steps: [`${INIT}\nappend_workflow_state P 1`, `${LIB}\n${RESTORE}\necho "$P"`], ids: [] },
  { name: 'load_workflow_state restores', steps: [`${INIT}\nappend_workflow_state P 1`, `${LIB}\nload_workflow_state "$1" false || exit 1\necho "$P"`], ids: [] },
  { name: 'a default tolerates unset', steps: [`${INIT}\nA=1`, `echo "\${A:-none}"`], ids: [] },
  { name: 'set again before the read', steps: [`${INIT}\nA=1`, `A=2\necho "$A"`], ids: [] },
  { name: 'environment variables are not the command\'s', steps: [`echo "$HOME $GITHUB_TOKEN"`, `echo "$HOME"`], ids: [] },
  { name: 'loop-carried in one block', steps: [`for i in 1 2; do echo "$LAST"; LAST=$i; done`, 'true'], ids: [] },
  { name: 'checked for emptiness', steps: [`${INIT}\nA=1`, `[ -z "$A" ] && echo "no A"`], ids: [] },
  { name: 'hand-written persist counts', steps: [`STATE_FILE=.claude/tmp/workflow_$1.sh\necho "B='x'" >> "$STATE_FILE"\nB=x`, `source .claude/tmp/workflow_$1.sh || exit 1\necho "$B"`], ids: [] },
  // state-var-never-read
  { name: 'persisted, never read, later block restores', steps: [`${INIT}\nappend_workflow_state Q 1`, `${LIB}\n${RESTORE}\necho hi`], ids: ['state-var-never-read'] },
  { name: 'array persisted, never read', steps: [`${INIT}\nappend_workflow_state_array L a b`, `${LIB}\n${RESTORE}\necho hi`], ids: ['state-var-never-read'] },
  { name: 'persisted in block 2 of 3, never read', steps: [`${INIT}`, `${LIB}\n${RESTORE}\nappend_workflow_state R x`, `${LIB}\n${RESTORE}\necho done`], ids: ['state-var-never-read'] },
  { name: 'read by a prompt', steps: [`${INIT}\nappend_workflow_state Q 1`, '> Use Q to decide.', `${LIB}\n${RESTORE}\necho hi`], ids: [] },
  { name: 'persisted by the final block (no later restore)', steps: [`${INIT}\nappend_workflow_state Q 1`, 'echo bye'], ids: [] },
  { name: 'read through get_state_value', steps: [`${INIT}\nappend_workflow_state Q 1`, `${LIB}\n${RESTORE}\nV=$(get_state_value Q)`], ids: [] },
  { name: 'an indirect read later: cannot tell', steps: [`${INIT}\nappend_workflow_state Q 1`, `${LIB}\n${RESTORE}\nk=Q; echo "\${!k}"`], ids: [] },
  // restore-unchecked
  { name: 'load without check', steps: [`${INIT}`, `${LIB}\nload_workflow_state "$1" false\necho hi`], ids: ['restore-unchecked'] },
  { name: 'source without check', steps: [`${INIT}`, `${LIB}\nSTATE_FILE=$(discover_latest_state_file x)\nsource "$STATE_FILE"\necho hi`], ids: ['restore-unchecked'] },
  { name: 'status ignored with || :', steps: [`${INIT}`, `${LIB}\nload_workflow_state "$1" false || :\necho hi`], ids: ['restore-unchecked'] },
  { name: 'checked in &&', steps: [`${INIT}`, `${LIB}\nload_workflow_state "$1" false && echo ok || exit 1`], ids: [] },
  { name: 'checked with $?', steps: [`${INIT}`, `${LIB}\nload_workflow_state "$1" false\n(( $? == 0 )) || exit 1`], ids: [] },
];

for (const row of ROWS) {
  test(`row: ${row.name}`, () => {
    const { text, flow } = flowOf('row.md', md(...row.steps));
    assert.equal(
      flow.diagnostics.map((d) => d.id),
      row.ids,
      flow.diagnostics.map((d) => formatDiagnostic(d, text)).join('\n'),
    );
  });
}

test('rows: each diagnostic has at least 3 failing variants', () => {
  for (const id of IDS) assert.ok(ROWS.filter((r) => r.ids.includes(id)).length >= 3, id);
});

test('value kinds: integer only when every persisted value is one; arrays; JSON keys and checkpoints', () => {
  const { flow } = flowOf(
    'kinds.md',
    md(
      [
        INIT,
        'N=0',
        'N=$((N + 1))',
        'append_workflow_state N "$N"',
        'append_workflow_state LIT 42',
        'C=$(grep -c x f || true)',
        'append_workflow_state C "$C"',
        'append_workflow_state D "${N:-0}"',
        'append_workflow_state S "$(date)"',
        'append_workflow_state_array A a b',
        "append_workflow_state R_JSON '{}'",
        "save_json_checkpoint ctx '{}'",
        'append_workflow_state M 1',
        'append_workflow_state M "$1"',
      ].join('\n'),
    ),
  );
  const kind = (k: string) => flow.keys[k]?.kind;
  assert.is(kind('N'), 'integer');
  assert.is(kind('LIT'), 'integer');
  assert.is(kind('C'), 'string');
  assert.is(kind('D'), 'integer');
  assert.is(kind('S'), 'string');
  assert.is(kind('A'), 'array');
  assert.is(kind('R_JSON'), 'json');
  assert.is(kind('M'), 'string');
  assert.is(flow.keys['checkpoint:ctx']?.storage, 'checkpoint');
  assert.is(flow.keys['checkpoint:ctx']?.kind, 'json');
  assert.equal(flow.keys.N?.persistedBy, [0]);
  assert.is(flow.keys.CURRENT_STATE, undefined);
});

test("the project's own library: wrappers, a loader table, wrappers of wrappers, stdin KEY=value lines", () => {
  const file = 'test/fixtures/lint/project/.claude/commands/wrapped.md';
  const text = readFileSync(join(ROOT, file), 'utf8');
  const flow = analyseStateFlow(readCommandSource(file, text), { path: join(ROOT, file), cache });
  const libs = flow.libraries.map((l) => l.slice(l.indexOf('.claude/')));
  assert.equal(libs, ['.claude/lib/core/state.sh', '.claude/lib/util/loader.sh', '.claude/lib/util/persist.sh']);
  const summary = Object.fromEntries(Object.values(flow.keys).map((k) => [k.key, `${k.kind} ${k.persistedBy.join(',')}->${k.readBy.join(',')}`]));
  assert.equal(summary, {
    DONE_COUNT: 'integer 0->1',
    OWNER: 'string 0->1',
    PLAN: 'string 0->1',
    PROJECT_ROOT: 'string 0->1',
    REGISTRY_JSON: 'json 0->1',
    TOPIC: 'string 0->1',
    TOTAL_COUNT: 'integer 0->1',
    WORKFLOW_ID: 'string 0->',
  });
  assert.equal(flow.blocks[1]?.restores.map((r) => [r.via, r.checked]), [['restore_state', true]]);
  assert.equal(flow.diagnostics.map((d) => `${d.id} ${d.line}`), ['state-var-not-persisted 34']);
});

test("the project's commands are clean for state flow", () => {
  for (const f of ['commands/implement.md', 'commands/research.md']) {
    const { text, flow } = flowOf(f);
    assert.equal(flow.diagnostics.map((d) => formatDiagnostic(d, text)), [], f);
    assert.ok(Object.keys(flow.keys).length > 3);
  }
});

test('blocks that do not parse are reported as not parsed; nothing is assumed about them', () => {
  const { flow } = flowOf('row.md', md(`${INIT}\nappend_workflow_state Q 1`, 'if then fi (((', `${LIB}\n${RESTORE}\necho "$Q"`));
  assert.equal(flow.blocks.map((b) => b.parsed), [true, false, true]);
  assert.equal(flow.diagnostics, []);
});

test.run();
