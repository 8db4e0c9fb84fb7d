/**
 * Command files as they exist in the wild (issue 5), end to end through real processes: every
 * file of test/fixtures/wild compiles (no crash, no error, everything type-checks with the
 * repo's tsconfig settings), and a representative set is run as `node --import tsx <entry>.ts`
 * with tricky arguments (quotes, spaces, `$`, backticks, `$(touch SENTINEL)`): the blocks must
 * see exactly the argument text (stub commands on PATH record the argv they got; blocks that
 * write files are read back) and SENTINEL is never created. Also: placeholders bound by the
 * arguments and by --set, the located refusal for an unset one, `--help`, `!` pre-commands
 * whose output lands in the agent prompt, and `cmdc compile --stats`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { compile, type CompileResult } from '../../compiler/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const WILD = join(ROOT, 'test/fixtures/wild');
const TSX = ['--import', import.meta.resolve('tsx')];
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-wild-'));
const GEN = join(TMP, 'gen');
const BIN = join(TMP, 'bin');
const PROJ = join(TMP, 'proj');
const CALLS = join(TMP, 'calls');

/** The tricky argument: every character that textual substitution would turn into code. */
const T = `fix: it's "done" $HOME \`touch SENTINEL\` $(touch SENTINEL); touch SENTINEL \\ *`;
/** Stubbed external commands: they record their argv (NUL-separated, with a count) and print nothing. */
const STUBS = ['git', 'gh', 'kubectl', 'psql', 'rg', 'npm', 'npx', 'curl', 'python3', 'node'];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

const files = walk(WILD);
let result: CompileResult;
const entries = new Map<string, string>();

test.before(() => {
  mkdirSync(GEN, { recursive: true });
  mkdirSync(BIN, { recursive: true });
  writeFileSync(join(TMP, 'package.json'), '{"type":"module"}\n');
  for (const s of STUBS) {
    const p = join(BIN, s);
    writeFileSync(p, `#!/bin/bash\nprintf '%s\\0' "${s}" "$#" "$@" >> ${JSON.stringify(CALLS)}\n`);
    chmodSync(p, 0o755);
  }
  result = compile(files, { root: WILD, outDir: GEN, runtimeEntry: join(ROOT, 'runtime/index.ts') });
  for (const r of result.results) {
    if (r.code === null) continue;
    writeFileSync(r.outFile, r.code);
    const mod = basename(r.outFile, '.ts');
    const entry = join(GEN, `${mod}.entry.ts`);
    writeFileSync(entry, `import { command } from './${mod}.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`);
    entries.set(r.file, entry);
  }
});
test.after(() => rmSync(TMP, { recursive: true, force: true }));

test(`every wild fixture compiles: ${files.length} files, no crash, no error`, () => {
  assert.ok(files.length >= 30, `${files.length} fixture files`);
  assert.not.ok(result.failed, JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error')));
  assert.not.ok(result.diagnostics.some((d) => d.id === 'internal-error'));
  const skipped = result.results.filter((r) => r.code === null).map((r) => r.file);
  assert.equal(skipped, ['.claude/skills/changelog/reference.md'], 'only the skill reference doc is not a command');
  // Skills and namespaced commands are named after the command: branch.ts, migrate-db.ts.
  const names = result.results.filter((r) => r.code !== null).map((r) => basename(r.outFile));
  assert.ok(names.includes('branch.ts') && names.includes('migrate-db.ts') && names.includes('changelog.ts'), names.join(' '));
  assert.is(new Set(names).size, names.length);
});

test('the generated modules type-check with the repo tsconfig settings (strict)', () => {
  const base = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  writeFileSync(
    join(TMP, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...base.compilerOptions, typeRoots: [join(ROOT, 'node_modules/@types')] }, include: ['gen/*.ts'], exclude: ['gen/*.entry.ts'] }),
  );
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(TMP, 'tsconfig.json')], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  // Only the generated files matter here (the runtime has its own check).
  const mine = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('gen/'));
  assert.equal(mine, [], mine.join('\n'));
});

// ---------------------------------------------------------------------------------------------
// Runs

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Recorded external calls: [name, ...args]. */
  calls: string[][];
}

function run(file: string, args: string[], env: Record<string, string> = {}): Run {
  rmSync(PROJ, { recursive: true, force: true });
  rmSync(CALLS, { force: true });
  mkdirSync(PROJ, { recursive: true });
  const entry = entries.get(file);
  assert.ok(entry, `no entry for ${file}`);
  const r = spawnSync(process.execPath, [...TSX, entry!, ...args], {
    cwd: PROJ,
    encoding: 'utf8',
    env: { PATH: `${BIN}:${process.env.PATH}`, HOME: TMP, CLAUDE_PROJECT_DIR: PROJ, CMDC_OWNER: 'wild', ...env },
    timeout: 60_000,
  });
  assert.not.ok(existsSync(join(PROJ, 'SENTINEL')), `${file}: SENTINEL created: an argument was run as code`);
  assert.not.ok(existsSync(join(TMP, 'SENTINEL')), `${file}: SENTINEL created in ${TMP}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: readCalls() };
}

function readCalls(): string[][] {
  if (!existsSync(CALLS)) return [];
  const f = readFileSync(CALLS, 'utf8').split('\0');
  const out: string[][] = [];
  let i = 0;
  while (i < f.length - 1) {
    const name = f[i++]!;
    const n = Number(f[i++]);
    out.push([name, ...f.slice(i, i + n)]);
    i += n;
  }
  return out;
}

function called(r: Run, ...argv: string[]): boolean {
  return r.calls.some((c) => c.length === argv.length && c.every((x, i) => x === argv[i]));
}

function ok(r: Run, what: string): void {
  assert.is(r.status, 0, `${what}: exit ${r.status}\n${r.stderr}`);
}

const checked: string[] = [];

test('$ARGUMENTS in double quotes (commit.md) and its `!` lines run first', () => {
  const r = run('.claude/commands/commit.md', [T]);
  ok(r, 'commit');
  assert.ok(called(r, 'git', 'commit', '-m', T), JSON.stringify(r.calls));
  // The four `!` lines ran (through bash, before the blocks).
  assert.ok(called(r, 'git', 'status', '--short') && called(r, 'git', 'log', '--oneline', '-10'), JSON.stringify(r.calls));
  assert.ok(r.calls.findIndex((c) => c[1] === 'status') < r.calls.findIndex((c) => c[1] === 'commit'));
  checked.push('commit');
});

test('$ARGUMENTS[0] / $ARGUMENTS[1] (deploy.md)', () => {
  const r = run('.claude/commands/deploy.md', ['prod', T]);
  ok(r, 'deploy');
  assert.ok(called(r, 'kubectl', 'config', 'use-context', 'prod'), JSON.stringify(r.calls));
  assert.ok(called(r, 'kubectl', 'rollout', 'restart', `deployment/${T}`), JSON.stringify(r.calls));
  checked.push('deploy');
});

test('$1 $2 $3, zero-based (review-pr.md): unquoted $1 is one field, absent $3 is empty', () => {
  const r = run('.claude/commands/review-pr.md', ['a b', T, 'p1']);
  ok(r, 'review-pr');
  assert.ok(called(r, 'gh', 'pr', 'view', T, '--json', 'title,body,files'), JSON.stringify(r.calls));
  assert.ok(called(r, 'gh', 'pr', 'diff', T), JSON.stringify(r.calls));
  // (the prose after the block is an agent step: the run pauses there)
  assert.ok(r.stdout.startsWith(`priority: p1, assignee: \n`), r.stdout);
  checked.push('review-pr');
});

test('$1 written as if it were the first word (release-notes.md): as in Claude Code, $1 is the second word and ${2:-HEAD} is not substituted', () => {
  const r = run('.claude/commands/release-notes.md', ['v1', T]);
  ok(r, 'release-notes');
  assert.ok(called(r, 'git', 'log', '--pretty=- %s (%h)', `${T}..HEAD`), JSON.stringify(r.calls));
  checked.push('release-notes');
});

test("'$ARGUMENTS' in single quotes (todo.md): the quote in the argument does not end the quoting", () => {
  const r = run('.claude/commands/todo.md', [T]);
  ok(r, 'todo');
  assert.is(r.stdout, `- [ ] ${T}\n`);
  checked.push('todo');
});

test('$ARGUMENTS in a quoted and an unquoted heredoc (heredoc-args.md): verbatim in both', () => {
  rmSync(PROJ, { recursive: true, force: true });
  const r = run('.claude/commands/heredoc-args.md', [T]);
  ok(r, 'heredoc-args');
  // `$5` is the sixth word, absent: Claude Code leaves it as written, and the quoted body is literal.
  assert.is(readFileSync(join(PROJ, 'request.txt'), 'utf8'), `Request: ${T}\nCost: $5 and \`backticks\`\n`);
  assert.is(readFileSync(join(PROJ, 'expanded.txt'), 'utf8'), `Request: ${T}\n`);
  checked.push('heredoc-args');
});

test('$0 in a path and in an unquoted heredoc (frontend/component.md)', () => {
  const name = `Btn "x" $HOME \`touch SENTINEL\` $(touch SENTINEL)`;
  const r = run('.claude/commands/frontend/component.md', [name]);
  ok(r, 'component');
  assert.is(readFileSync(join(PROJ, 'src/components', name, 'index.ts'), 'utf8'), `export { default } from './${name}';\n`);
  checked.push('component');
});

test('named arguments $table / $column (named-args.md)', () => {
  const r = run('.claude/commands/named-args.md', [T, 'col']);
  ok(r, 'named-args');
  assert.is(r.stdout, `migrating ${T}.col\n`);
  assert.ok(called(r, 'psql', '-c', `ALTER TABLE "${T}" DROP COLUMN "col";`), JSON.stringify(r.calls));
  checked.push('named-args');
});

test('unquoted $ARGUMENTS in a for loop and $ARGUMENTS[0] (search.md): one field per argument', () => {
  const r = run('.claude/commands/search.md', ['a b', T]);
  ok(r, 'search');
  assert.ok(called(r, 'rg', '--count', 'a b'), JSON.stringify(r.calls));
  checked.push('search');
});

test('${CLAUDE_SESSION_ID} (session-log.md): the Claude Code session id, as data', () => {
  const r = run('.claude/commands/session-log.md', [T], { CLAUDE_CODE_SESSION_ID: 'sess-42' });
  ok(r, 'session-log');
  const log = readFileSync(join(PROJ, '.claude/logs/sess-42.log'), 'utf8');
  assert.ok(log.endsWith(` sess-42 ${T}\n`), log);
  // `$CLAUDE_SESSION_ID` (unbraced) is not substituted by Claude Code: empty.
  assert.is(r.stdout, 'session: \n');
  checked.push('session-log');
});

test('skill (changelog/SKILL.md): $ARGUMENTS, its `!` line runs', () => {
  const r = run('.claude/skills/changelog/SKILL.md', [T]);
  ok(r, 'changelog');
  assert.is(r.stdout, `## ${T}\n`);
  assert.ok(called(r, 'git', 'log', '--oneline', '-20'), JSON.stringify(r.calls));
  checked.push('changelog');
});

test('placeholder bound by the argument-hint (git/branch.md); no argument: refused, located', () => {
  const r = run('.claude/commands/git/branch.md', [T]);
  ok(r, 'branch');
  assert.ok(called(r, 'git', 'checkout', '-b', T, 'origin/main'), JSON.stringify(r.calls));
  assert.ok(called(r, 'git', 'push', '-u', 'origin', T), JSON.stringify(r.calls));
  const none = run('.claude/commands/git/branch.md', []);
  assert.is(none.status, 2);
  assert.equal(none.calls, [], 'nothing ran');
  assert.match(none.stderr, /refusing to run block 1 .*placeholder <branch-name> at \.claude\/commands\/git\/branch\.md:10:17 has no value/);
  assert.match(none.stderr, /the file says \(\.claude\/commands\/git\/branch\.md:6\): Replace `<branch-name>` with the name the user gave\./);
  checked.push('branch');
});

test("placeholder bound to the user's description (spec.md: YOUR_FEATURE_DESCRIPTION_HERE)", () => {
  const r = run('.claude/commands/spec.md', [T]);
  ok(r, 'spec');
  const dir = join(PROJ, '.specs');
  const day = readdirSync(dir)[0]!;
  assert.is(readFileSync(join(dir, day, 'request.txt'), 'utf8'), `${T}\n`);
  checked.push('spec');
});

test('placeholder given with --set (pr-body.md), kept apart from $ARGUMENTS', () => {
  const r = run('.claude/commands/pr-body.md', ['--set', `SUMMARY_OF_CHANGES=${T}`, 'title "q"']);
  ok(r, 'pr-body');
  assert.ok(called(r, 'gh', 'pr', 'create', '--title', 'title "q"', '--body', T), JSON.stringify(r.calls));
  assert.is(r.stdout, 'Usage: /pr-body <title>\n');
  checked.push('pr-body');
});

test('unbound placeholder (unbound.md): refused with the located message; --set runs it', () => {
  const none = run('.claude/commands/unbound.md', []);
  assert.is(none.status, 2);
  assert.equal(none.calls, []);
  assert.match(none.stderr, /placeholder YOUR_API_KEY_HERE at \.claude\/commands\/unbound\.md:6:16 has no value/);
  assert.match(none.stderr, /no instruction in the file says what to put there/);
  assert.match(none.stderr, /--set API_KEY=<value>/);
  const r = run('.claude/commands/unbound.md', ['--set', `API_KEY=${T}`]);
  ok(r, 'unbound --set');
  assert.ok(called(r, 'curl', '-s', '-H', `Authorization: Bearer ${T}`, 'https://api.example.com/v1/me'), JSON.stringify(r.calls));
  checked.push('unbound');
});

test('--help shows each placeholder with its instruction', () => {
  const h = run('.claude/commands/git/branch.md', ['--help']);
  ok(h, 'help');
  assert.match(h.stdout, /<branch-name>  \(line 10\): the arguments\n\s+Replace `<branch-name>` with the name the user gave\.  \(line 6\)/);
  const u = run('.claude/commands/unbound.md', ['--help']);
  assert.match(u.stdout, /YOUR_API_KEY_HERE  \(line 6\): --set API_KEY=\.\.\.  \[no instruction in the file\]/);
  assert.match(u.stdout, /--set NAME=VALUE/);
});

test('a block that is a template fails at run time with the located diagnostic', () => {
  const r = run('.claude/commands/template-block.md', []);
  assert.is(r.status, 2);
  assert.match(r.stderr, /\.claude\/commands\/template-block\.md:8:1: error\[block-is-template\]: bash block 1 is prose/);
});

test('`!` in an agent step: runs at invocation; claude-code pastes the argument raw (as the client), script passes it as data; output in the prompt; resume keeps args', () => {
  const src = join(TMP, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'pre-demo.md'),
    [
      '---',
      'description: pre-command demo',
      '---',
      '',
      '```bash',
      'printf "%s" "$ARGUMENTS" > first.txt',
      '```',
      '',
      'Status: !`printf "%s" "$ARGUMENTS" > pre-saw.txt; echo PRE-OUT`',
      '',
      'Now handle $ARGUMENTS.',
      '',
      '```bash',
      'printf "%s|%s" "$ARGUMENTS" "$0" > second.txt',
      '```',
      '',
    ].join('\n'),
  );
  const c = compile([join(src, 'pre-demo.md')], { root: TMP, outDir: GEN, runtimeEntry: join(ROOT, 'runtime/index.ts') });
  assert.not.ok(c.failed, JSON.stringify(c.diagnostics));
  assert.is(c.results[0]!.stats.preCommands, 1);
  writeFileSync(c.results[0]!.outFile, c.results[0]!.code!);
  writeFileSync(
    join(GEN, 'pre-demo.entry.ts'),
    `import { command } from './pre-demo.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`,
  );
  entries.set('pre-demo', join(GEN, 'pre-demo.entry.ts'));
  // claude-code (the default): the `!` line gets the text pasted raw, as the client does, so
  // T's `$(touch SENTINEL)` runs there; the blocks still get it as data
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
  const cc = spawnSync(process.execPath, [...TSX, join(GEN, 'pre-demo.entry.ts'), T], {
    cwd: PROJ,
    encoding: 'utf8',
    env: { PATH: `${BIN}:${process.env.PATH}`, HOME: TMP, CLAUDE_PROJECT_DIR: PROJ, CMDC_OWNER: 'wild' },
    timeout: 60_000,
  });
  assert.is(cc.status, 0, cc.stderr);
  assert.is(readFileSync(join(PROJ, 'first.txt'), 'utf8'), T);
  assert.match(cc.stdout, /Status: PRE-OUT\n/);
  assert.ok(existsSync(join(PROJ, 'SENTINEL')));
  // script: data everywhere
  const r = run('pre-demo', ['--profile', 'script', T]);
  ok(r, 'pre-demo');
  assert.is(readFileSync(join(PROJ, 'first.txt'), 'utf8'), T);
  assert.is(readFileSync(join(PROJ, 'pre-saw.txt'), 'utf8'), T);
  assert.match(r.stdout, /Status: PRE-OUT\n/);
  assert.ok(r.stdout.includes(`Now handle ${T}.`), r.stdout);
  const m = /--resume (\S+)\n/.exec(r.stdout);
  assert.ok(m, r.stdout);
  // Resume in the same project (run() wipes it: call the entry directly).
  const resumed = spawnSync(process.execPath, [...TSX, join(GEN, 'pre-demo.entry.ts'), '--resume', m![1]!], {
    cwd: PROJ,
    encoding: 'utf8',
    env: { PATH: `${BIN}:${process.env.PATH}`, HOME: TMP, CLAUDE_PROJECT_DIR: PROJ, CMDC_OWNER: 'wild' },
    timeout: 60_000,
  });
  assert.is(resumed.status, 0, resumed.stderr);
  assert.is(readFileSync(join(PROJ, 'second.txt'), 'utf8'), `${T}|${T}`);
  assert.not.ok(existsSync(join(PROJ, 'SENTINEL')));
  checked.push('pre-demo');
});

test('--arguments RAW: the raw string as Claude Code gets it; $N are its shell words', () => {
  const r = run('.claude/commands/deploy.md', ['--arguments', `"prod eu" 'svc $(touch SENTINEL)'`]);
  ok(r, 'deploy --arguments');
  assert.ok(called(r, 'kubectl', 'rollout', 'restart', 'deployment/svc $(touch SENTINEL)'), JSON.stringify(r.calls));
});

test('cmdc compile --stats: placeholders bound/unbound, argument uses, ! lines per file', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'cli/bin/cmdc.mjs'), 'compile', '.', '--out', join(TMP, 'stats-out'), '--stats'], {
    cwd: WILD,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^file\s+blocks\s+native\s+islands\s+diagnostics\s+placeholders\(bound\/unbound\)\s+argument-uses\s+!-lines\s+typed\s+exact\s+typed%\s+native-blocks\s+libraries\s+library\(native\/islands\)\s+run-time-sources\s+discovery$/);
  const row = (f: string) => lines.find((l) => l.startsWith(f + ' '))?.trim().split(/\s+/);
  assert.equal(row('.claude/commands/commit.md')?.slice(5, 8), ['0/0', '1', '4']);
  assert.equal(row('.claude/commands/git/branch.md')?.slice(5, 8), ['2/0', '0', '0']);
  assert.equal(row('.claude/commands/unbound.md')?.slice(5, 8), ['0/1', '0', '0']);
  assert.equal(row('.claude/commands/review-pr.md')?.slice(5, 8), ['0/0', '4', '0']);
  assert.equal(row('.claude/skills/db-migrate/SKILL.md')?.slice(5, 8), ['1/0', '0', '1']);
  assert.not.ok(lines.some((l) => l.includes('reference.md')), 'skill reference docs are not commands');
  // the table ends with the total, the typed statements by form (typed tier: the default), then
  // the exact ones by the reason they have no typed form (compiler/typed/fallback.ts)
  assert.match(lines[lines.length - 3]!, /^total\s.*\s\d+%(\s+\d+){2}\s+\d+\/\d+(\s+\d+){2}$/);
  assert.match(lines[lines.length - 2]!, /^typed forms: /);
  assert.match(lines[lines.length - 1]!, /^exact \(why no typed form\): .*\[\[ \]\] \d/);
  const j = spawnSync(process.execPath, [join(ROOT, 'cli/bin/cmdc.mjs'), 'compile', '.', '--out', join(TMP, 'stats-out'), '--json'], {
    cwd: WILD,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const report = JSON.parse(j.stdout) as { results: { file: string; stats: Record<string, number> }[] };
  const commit = report.results.find((x) => x.file === '.claude/commands/commit.md')!;
  assert.is(commit.stats.preCommands, 4);
  assert.is(commit.stats.argumentUses, 1);
});

test('at least 10 wild commands were run and checked', () => {
  assert.ok(checked.length >= 10, checked.join(' '));
  void relative;
});

test.run();
