/**
 * Runner output around `!` pre-commands and failures, through real processes:
 * - `!` lines in the prose before the first bash block (no agent step of their own) reach the
 *   model: the first agent prompt of the run starts with their outputs, in order, each labelled
 *   with its command; a command without agent steps prints nothing extra.
 * - a failing block gets one summary line on stderr when stderr is a terminal (pseudo-TTY via
 *   util-linux `script`, in Debian's essential bsdutils), and nothing beyond the block's own
 *   stderr otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { compile } from '../../compiler/index.js';
import { failureSummary, prePreamble } from '../../runtime/runner/run.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = ['--import', import.meta.resolve('tsx')];
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-pre-'));
const GEN = join(TMP, 'gen');
const PROJ = join(TMP, 'proj');

const FILES: Record<string, string> = {
  'ctx.md': [
    '---',
    'description: context lines before the first block',
    '---',
    '',
    '## Context',
    '',
    '- Branch: !`echo BRANCH-OUT`',
    '- Args: !`printf "%s" "$ARGUMENTS"`',
    '',
    '```!',
    'echo FENCE-1',
    'echo FENCE-2',
    '```',
    '',
    '```bash',
    'echo block-ran',
    '```',
    '',
    'Now write the summary.',
    '',
  ].join('\n'),
  'noagent.md': ['---', 'description: no agent step', '---', '', 'Status: !`echo HIDDEN-PRE`', '', '```bash', 'echo only-block', '```', ''].join('\n'),
  'fails.md': ['---', 'description: a failing block', '---', '', '## Block 1: Setup', '', '```bash', 'echo about-to-fail >&2', 'exit 3', '```', ''].join('\n'),
};

test.before(() => {
  const src = join(TMP, 'src');
  mkdirSync(src, { recursive: true });
  mkdirSync(GEN, { recursive: true });
  writeFileSync(join(TMP, 'package.json'), '{"type":"module"}\n');
  for (const [f, text] of Object.entries(FILES)) writeFileSync(join(src, f), text);
  const c = compile(Object.keys(FILES).map((f) => join(src, f)), { root: TMP, outDir: GEN, runtimeEntry: join(ROOT, 'runtime/index.ts') });
  assert.not.ok(c.failed, JSON.stringify(c.diagnostics));
  for (const r of c.results) {
    writeFileSync(r.outFile, r.code!);
    const mod = r.outFile.replace(/^.*\//, '').replace(/\.ts$/, '');
    writeFileSync(
      join(GEN, `${mod}.entry.ts`),
      `import { command } from './${mod}.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`,
    );
  }
});
test.after(() => rmSync(TMP, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: TMP, CLAUDE_PROJECT_DIR: PROJ, CMDC_OWNER: 'pre' };
}

function run(mod: string, args: string[]) {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
  return spawnSync(process.execPath, [...TSX, join(GEN, `${mod}.entry.ts`), ...args], { cwd: PROJ, encoding: 'utf8', env: env(), timeout: 60_000 });
}

test('`!` lines before the first block: their outputs open the first agent prompt, in order, labelled', () => {
  const r = run('ctx', ['--agent-cmd', 'cat > prompt.txt', 'a b']);
  assert.is(r.status, 0, r.stderr);
  const prompt = readFileSync(join(PROJ, 'prompt.txt'), 'utf8');
  const expected =
    'Output of the `!` commands in src/ctx.md outside this step, run before this prompt:\n\n' +
    '$ echo BRANCH-OUT   (src/ctx.md:7)\nBRANCH-OUT\n\n' +
    '$ printf "%s" "$ARGUMENTS"   (src/ctx.md:8)\na b\n\n' +
    '$ echo FENCE-1\n  echo FENCE-2   (src/ctx.md:11)\nFENCE-1\nFENCE-2\n\n' +
    'Now write the summary.\n';
  assert.ok(prompt.startsWith(expected), prompt);
});

test('`!` lines with no agent step in the command: nothing extra is printed', () => {
  const r = run('noagent', []);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'only-block\n');
  assert.is(r.stderr, '');
});

test('prePreamble: empty without pre-commands; "(no output)" for a silent one', () => {
  assert.is(prePreamble('x.md', []), '');
  const step = { kind: 'pre' as const, line: 4, endLine: 4, agent: null, start: 0, end: 0, text: 'true', command: 'true', variable: 'CMDC_PRE_1' };
  assert.ok(prePreamble('x.md', [{ step, output: '' }]).includes('$ true   (x.md:4)\n(no output)\n\n'));
});

test('failing block, stderr not a terminal: only the block\'s own stderr', () => {
  const r = run('fails', []);
  assert.is(r.status, 3);
  assert.is(r.stderr, 'about-to-fail\n');
});

test('failureSummary: the line, red only when asked', () => {
  const f = { command: 'fails', heading: 'Block 1: Setup', source: 'src/fails.md', line: 7, status: 3, workflowId: 'fails_1' };
  const plain = 'cmdc: /fails failed at Block 1: Setup (src/fails.md:7), exit 3; instance fails_1 (cmdc errors --workflow fails_1)\n';
  assert.is(failureSummary(f, false), plain);
  assert.is(failureSummary(f, true), `\x1b[31m${plain.trimEnd()}\x1b[39m\n`);
});

const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
test('failing block, stderr a terminal (script(1) pseudo-TTY): one red summary line', () => {
  if (!hasScript) return console.log('  (skipped: no util-linux script)');
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(PROJ, { recursive: true });
  const cmd = [process.execPath, ...TSX, join(GEN, 'fails.entry.ts')].map((s) => `'${s.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: PROJ, encoding: 'utf8', env: env(), timeout: 60_000 });
  const out = r.stdout.replace(/\r\n/g, '\n');
  const m = /\x1b\[31mcmdc: \/fails failed at Block 1: Setup \(src\/fails\.md:8\), exit 3; instance (\S+) \(cmdc errors --workflow (\S+)\)\x1b\[39m\n/.exec(out);
  assert.ok(m, JSON.stringify(out));
  assert.is(m![1], m![2]);
  assert.ok(m![1]!.startsWith('fails'), m![1]);
  assert.ok(out.startsWith('about-to-fail\n'), JSON.stringify(out));
  assert.is(out.match(/cmdc: /g)!.length, 1);
});

test.run();
