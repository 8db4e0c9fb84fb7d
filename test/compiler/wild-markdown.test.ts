/**
 * The wild fixtures (test/fixtures/wild: command files written the way public .claude/commands
 * and .claude/skills folders are): for each file, its command name, `!` pre-commands, every
 * argument use with its .md position and quoting context, every placeholder with its binding,
 * and the diagnostics; plus invariants over all of them (positions point at the text, every
 * placeholder bound or diagnosed, nothing Claude Code would substitute is left in a block).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanSubstitutions } from '../../compiler/arguments.js';
import { analyse } from './wild-helpers.js';

const ROOT = fileURLToPath(new URL('../fixtures/wild/', import.meta.url));
const walk = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : n.endsWith('.md') ? [join(dir, n)] : []));
const FILES = walk(ROOT).map((f) => relative(ROOT, f).split('\\').join('/'));
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

interface Row {
  file: string;
  name: string | null;
  blocks: number;
  pre: string[];
  uses: string[];
  placeholders: string[];
  diagnostics: string[];
}

// `use`: "<text> <line>:<col> <quoting>"; placeholder: "<token> <line>:<col> <binding> <variable>".
const TABLE: Row[] = [
  { file: ".claude/commands/ansi.md", name: "ansi", blocks: 1, pre: [], uses: ["$0 7:18 single", "$0 8:7 unquoted", "$ARGUMENTS 9:5 double"], placeholders: [], diagnostics: ["argument-single-quoted 7:18", "argument-not-substituted 10:6"]},
  { file: ".claude/commands/bench.md", name: "bench", blocks: 1, pre: [], uses: ["$0 7:6 unquoted", "$0 8:18 unquoted", "$1 9:9 double", "$0 11:15 double"], placeholders: [], diagnostics: ["argument-unquoted 7:6"]},
  { file: ".claude/commands/checklist.md", name: "checklist", blocks: 4, pre: [], uses: ["$ARGUMENTS 14:16 unquoted"], placeholders: [], diagnostics: ["argument-unquoted 14:16"]},
  { file: ".claude/commands/commit.md", name: "commit", blocks: 1, pre: ["inline 9:23 git status --short", "inline 10:51 git diff HEAD", "inline 11:19 git branch --show-current", "inline 12:19 git log --oneline -10"], uses: ["$ARGUMENTS 20:16 double"], placeholders: [], diagnostics: []},
  { file: ".claude/commands/deploy.md", name: "deploy", blocks: 1, pre: [], uses: ["$ARGUMENTS[0] 10:6 double", "$ARGUMENTS[1] 11:10 double"], placeholders: [], diagnostics: []},
  { file: ".claude/commands/docs/readme-snippet.md", name: "readme-snippet", blocks: 1, pre: [], uses: ["$ARGUMENTS 14:19 double"], placeholders: [], diagnostics: []},
  { file: ".claude/commands/explain.md", name: "explain", blocks: 1, pre: [], uses: ["$ARGUMENTS 9:7 unquoted"], placeholders: [], diagnostics: ["argument-unquoted 9:7"]},
  { file: ".claude/commands/fix-issue.md", name: "fix-issue", blocks: 2, pre: [], uses: ["$ARGUMENTS 12:18 unquoted"], placeholders: [], diagnostics: ["argument-unquoted 12:18"]},
  { file: ".claude/commands/frontend/component.md", name: "component", blocks: 1, pre: [], uses: ["$0 9:26 double", "$0 10:23 double", "$0 11:28 heredoc"], placeholders: [], diagnostics: ["argument-in-heredoc 11:28"]},
  { file: ".claude/commands/func-args.md", name: "func-args", blocks: 1, pre: [], uses: ["$1 8:14 double", "$0 11:8 double"], placeholders: [], diagnostics: ["argument-in-function 8:14", "positional-parameters-empty 12:12", "positional-parameters-empty 12:23"]},
  { file: ".claude/commands/git/branch.md", name: "branch", blocks: 1, pre: [], uses: [], placeholders: ["<branch-name> 10:17 arguments CMDC_ARGUMENTS", "<branch-name> 11:20 arguments CMDC_ARGUMENTS"], diagnostics: []},
  { file: ".claude/commands/git/cleanup.md", name: "cleanup", blocks: 1, pre: ["fence 9:1 git branch --merged main"], uses: [], placeholders: [], diagnostics: []},
  { file: ".claude/commands/heredoc-args.md", name: "heredoc-args", blocks: 1, pre: [], uses: ["$ARGUMENTS 7:10 heredoc-quoted", "$5 8:7 heredoc-quoted", "$ARGUMENTS 11:10 heredoc"], placeholders: [], diagnostics: ["argument-convention-ambiguous 8:7", "argument-in-heredoc 11:10"]},
  { file: ".claude/commands/named-args.md", name: "named-args", blocks: 1, pre: [], uses: ["$table 8:17 double", "$column 8:24 double", "$table 9:24 double", "$column 9:47 double"], placeholders: [], diagnostics: []},
  { file: ".claude/commands/old-style.md", name: "old-style", blocks: 1, pre: [], uses: ["$1 7:10 double", "$2 7:15 double"], placeholders: [], diagnostics: ["argument-convention-ambiguous 7:10"]},
  { file: ".claude/commands/pr-body.md", name: "pr-body", blocks: 1, pre: [], uses: ["$ARGUMENTS 9:23 double"], placeholders: ["<summary of changes> 9:43 set CMDC_SET_SUMMARY_OF_CHANGES"], diagnostics: []},
  { file: ".claude/commands/prose-line.md", name: "prose-line", blocks: 1, pre: [], uses: [], placeholders: [], diagnostics: ["prose-in-block 7:1"]},
  { file: ".claude/commands/release-notes.md", name: "release-notes", blocks: 1, pre: [], uses: ["$1 9:7 double"], placeholders: [], diagnostics: ["argument-convention-ambiguous 9:7", "argument-not-substituted 10:5"]},
  { file: ".claude/commands/report-template.md", name: "report-template", blocks: 1, pre: [], uses: ["$ARGUMENTS 9:17 double"], placeholders: ["{{incident_title}} 10:12 unbound CMDC_SET_INCIDENT_TITLE"], diagnostics: ["unbound-placeholder 10:12", "block-is-template 11:11"]},
  { file: ".claude/commands/review-pr.md", name: "review-pr", blocks: 1, pre: [], uses: ["$1 11:12 unquoted", "$1 12:13 double", "$2 13:17 double", "$3 13:31 double"], placeholders: [], diagnostics: ["frontmatter-yaml-error 3:28", "argument-unquoted 11:12", "argument-convention-ambiguous 11:12"]},
  { file: ".claude/commands/search.md", name: "search", blocks: 1, pre: [], uses: ["$ARGUMENTS 7:13 unquoted", "$ARGUMENTS[0] 10:12 unquoted"], placeholders: [], diagnostics: ["argument-unquoted 7:13", "argument-unquoted 10:12"]},
  { file: ".claude/commands/session-log.md", name: "session-log", blocks: 1, pre: [], uses: ["${CLAUDE_SESSION_ID} 7:26 double", "$ARGUMENTS 7:47 double", "${CLAUDE_SESSION_ID} 7:76 double"], placeholders: [], diagnostics: ["argument-not-substituted 8:16"]},
  { file: ".claude/commands/spec.md", name: "spec", blocks: 1, pre: [], uses: [], placeholders: ["YOUR_FEATURE_DESCRIPTION_HERE 14:7 arguments CMDC_ARGUMENTS"], diagnostics: []},
  { file: ".claude/commands/template-block.md", name: "template-block", blocks: 1, pre: [], uses: [], placeholders: [], diagnostics: ["block-is-template 8:1"]},
  { file: ".claude/commands/todo.md", name: "todo", blocks: 1, pre: [], uses: ["$ARGUMENTS 9:13 single"], placeholders: [], diagnostics: ["argument-single-quoted 9:13"]},
  { file: ".claude/commands/unbound.md", name: "unbound", blocks: 1, pre: [], uses: [], placeholders: ["YOUR_API_KEY_HERE 6:16 unbound CMDC_SET_API_KEY"], diagnostics: ["unbound-placeholder 6:16"]},
  { file: ".claude/commands/workflow-start.md", name: "workflow-start", blocks: 2, pre: [], uses: [], placeholders: ["YOUR_WORKFLOW_DESCRIPTION_HERE 17:7 arguments CMDC_ARGUMENTS"], diagnostics: []},
  { file: ".claude/skills/changelog/SKILL.md", name: "changelog", blocks: 1, pre: ["inline 9:17 git log --oneline -20"], uses: ["$ARGUMENTS 12:10 double"], placeholders: [], diagnostics: []},
  { file: ".claude/skills/changelog/reference.md", name: null, blocks: 1, pre: [], uses: [], placeholders: [], diagnostics: []},
  { file: ".claude/skills/db-migrate/SKILL.md", name: "migrate-db", blocks: 1, pre: ["fence 8:1 ls migrations | tail -3"], uses: [], placeholders: ["<migration-name> 15:25 arguments CMDC_ARGUMENTS"], diagnostics: []},
  { file: ".claude/skills/pdf-extract/SKILL.md", name: "pdf-extract", blocks: 1, pre: [], uses: ["${CLAUDE_SKILL_DIR} 8:10 double", "$ARGUMENTS 8:51 double"], placeholders: [], diagnostics: []},
  { file: "commands/broken-fi.md", name: "broken-fi", blocks: 1, pre: [], uses: [], placeholders: [], diagnostics: ["parse-error 9:1"]},
  { file: "commands/quick-test.md", name: "quick-test", blocks: 1, pre: [], uses: ["$ARGUMENTS 7:16 unquoted"], placeholders: [], diagnostics: ["argument-unquoted 7:16"]},
];

test('at least 30 command files, every one in the table', () => {
  const commands = FILES.filter((f) => analyse(read(f), f).info !== null);
  assert.ok(commands.length >= 30, `${commands.length} command files`);
  assert.equal(TABLE.map((r) => r.file), FILES);
});

for (const row of TABLE) {
  test(`${row.file}`, () => {
    const a = analyse(read(row.file), row.file);
    assert.is(a.info?.name ?? null, row.name, 'name');
    assert.is(a.blocks.length, row.blocks, 'blocks');
    assert.equal(a.md.preCommands.map((p) => `${p.fence ? 'fence' : 'inline'} ${p.line}:${p.col} ${p.command}`), row.pre, 'pre');
    assert.equal(a.blocks.flatMap((b) => b.uses.map((u) => `${u.text} ${u.line}:${u.col} ${u.quoting}`)), row.uses, 'uses');
    assert.equal(a.placeholders.map((p) => `${p.token} ${p.line}:${p.col} ${p.bound ?? 'unbound'} ${p.variable}`), row.placeholders, 'placeholders');
    assert.equal(a.diagnostics.map((d) => `${d.id} ${d.line}:${d.col}`), row.diagnostics, 'diagnostics');
  });
}

test('every position points at its text in the .md file', () => {
  for (const file of FILES) {
    const lines = read(file).split('\n');
    const at = (line: number, col: number, text: string) => lines[line - 1]!.slice(col - 1, col - 1 + text.length);
    const a = analyse(read(file), file);
    for (const b of a.blocks) for (const u of b.uses) assert.is(at(u.line, u.col, u.text), u.text, `${file} ${u.text}`);
    for (const p of a.placeholders) assert.is(at(p.line, p.col, p.token), p.token, `${file} ${p.token}`);
    for (const p of a.md.preCommands) {
      if (p.fence) assert.is(lines[p.line - 1]!.slice(p.col - 1), p.command.split('\n')[0], file);
      else assert.is(at(p.line, p.col, `!\`${p.command}\``), `!\`${p.command}\``, file);
    }
  }
});

test('every placeholder is bound or has an unbound-placeholder diagnostic at its position', () => {
  for (const file of FILES) {
    const a = analyse(read(file), file);
    for (const p of a.placeholders) {
      if (p.bound) continue;
      assert.ok(a.diagnostics.some((d) => d.id === 'unbound-placeholder' && d.line === p.line && d.col === p.col), `${file} ${p.token}`);
    }
  }
});

test('rewritten blocks parse and hold nothing Claude Code would substitute (except comments and reported text)', () => {
  for (const file of FILES) {
    const a = analyse(read(file), file);
    for (const b of a.blocks) {
      if (!b.ast) continue;
      // a reference's fallback (`${CMDC_ARGV[1]-$1}`, the text as written for a missing word) is not a substitution site
      const left = scanSubstitutions(b.code.replace(/(\$\{CMDC_ARGV\[\d+\])-[^}]*\}/g, '$1-}')).length;
      const kept = b.uses.filter((u) => u.replacement === null).length;
      assert.is(left, kept, `${file} block ${b.block.index}`);
      assert.ok(!/<[a-z][\w-]*>|YOUR_[A-Z_]+_HERE/.test(b.code.replace(/#.*$/gm, '').replace(/"Usage:[^"]*"/g, '')), `${file}: placeholder left`);
    }
  }
});

test('a block that did not parse because of <branch-name> parses after the rewrite, positions kept', () => {
  const file = '.claude/commands/git/branch.md';
  const a = analyse(read(file), file);
  const b = a.blocks[0]!;
  assert.ok(b.ast);
  const stmt = b.ast!.stmts[1]!;
  assert.equal([stmt.pos, stmt.src], [{ line: 10, col: 1 }, 'git checkout -b "${CMDC_ARGUMENTS}" origin/main']);
  const arg = (stmt.cmd as { args: { pos: unknown }[] }).args[3]!;
  assert.equal(arg.pos, { line: 10, col: 17 });
});

test('skills layout: SKILL.md names the command after its directory (or name:), other files are not commands', () => {
  const names = FILES.filter((f) => f.includes('/skills/')).map((f) => [f, analyse(read(f), f).info]);
  assert.equal(names, [
    ['.claude/skills/changelog/SKILL.md', { name: 'changelog', namespace: null, layout: 'skill' }],
    ['.claude/skills/changelog/reference.md', null],
    ['.claude/skills/db-migrate/SKILL.md', { name: 'migrate-db', namespace: null, layout: 'skill' }],
    ['.claude/skills/pdf-extract/SKILL.md', { name: 'pdf-extract', namespace: null, layout: 'skill' }],
  ]);
});

test.run();
