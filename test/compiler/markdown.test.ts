/**
 * compiler/markdown.ts: CommonMark fences (``` ~~~ ````, nested in ````markdown, in lists and
 * blockquotes, unlabelled, other languages), bash labels (bash/sh/shell, any case, attributes),
 * headings attached to blocks, agent steps between blocks, exact positions against a fixture
 * with an odd layout, and frontmatter (unknown keys kept, YAML errors located).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import {
  commandInfoFor,
  commandNameFor,
  isBashInfo,
  parseCommandMarkdown,
  stepsInOrder,
  type AgentStep,
  type BashBlock,
  type Step,
} from '../../compiler/markdown.js';
import { parseBashBlock } from '../../compiler/parse.js';

const FIXTURE = readFileSync(new URL('../fixtures/markdown/odd-layout.md', import.meta.url), 'utf8');
const bash = (steps: Step[]) => steps.filter((s): s is BashBlock => s.kind === 'bash');
const agents = (steps: Step[]) => steps.filter((s): s is AgentStep => s.kind === 'agent');

test('isBashInfo: first word of the info string, any case', () => {
  const table: [string, boolean][] = [
    ['bash', true], ['sh', true], ['shell', true], ['BASH', true], ['Shell', true],
    ['bash {cmd=true}', true], ['bash{cmd=true}', true], ['sh title="x"', true],
    ['', false], ['zsh', false], ['console', false], ['bash-session', false], ['json', false], ['markdown', false], ['!', false],
  ];
  for (const [info, want] of table) assert.is(isBashInfo(info), want, info);
});

test('odd-layout fixture: the bash blocks, in order, with exact lines and indents', () => {
  const md = parseCommandMarkdown(FIXTURE, 'odd-layout.md');
  const got = bash(md.steps).map((b) => ({
    index: b.index,
    lang: b.lang,
    info: b.info,
    heading: b.heading,
    headingLine: b.headingLine,
    fenceLine: b.fenceLine,
    line: b.line,
    endLine: b.endLine,
    indent: b.indent,
    indents: b.indents,
    code: b.code,
  }));
  assert.equal(got, [
    { index: 0, lang: 'bash', info: 'bash {cmd=true, id="setup"}', heading: 'Block 1a: Setup', headingLine: 13, fenceLine: 15, line: 16, endLine: 18, indent: 0, indents: [0, 0], code: 'set -euo pipefail\necho "setup"' },
    { index: 1, lang: 'sh', info: 'sh', heading: 'Block 2 – Lists', headingLine: 30, fenceLine: 34, line: 35, endLine: 37, indent: 3, indents: [3, 3], code: 'echo "in list"\n  echo "deeper"' },
    { index: 2, lang: 'Shell', info: 'Shell', heading: 'Block 2 – Lists', headingLine: 30, fenceLine: 47, line: 48, endLine: 49, indent: 2, indents: [2], code: 'echo "quoted"' },
    { index: 3, lang: 'bash', info: 'bash', heading: 'Block 3', headingLine: 51, fenceLine: 52, line: 53, endLine: 56, indent: 0, indents: [0, 0, 0], code: 'cat <<EOF\n````\nEOF' },
  ]);
  assert.equal(md.diagnostics, []);
});

test('odd-layout fixture: every code line is where the block says it is', () => {
  const lines = FIXTURE.split('\n');
  for (const b of bash(parseCommandMarkdown(FIXTURE, 'odd-layout.md').steps)) {
    b.code.split('\n').forEach((codeLine, i) => {
      const src = lines[b.line - 1 + i]!;
      assert.is(src.slice(b.indents[i]!), codeLine, `block ${b.index} line ${i}`);
    });
  }
});

test('odd-layout fixture: bash positions map into the .md file', () => {
  const blocks = bash(parseCommandMarkdown(FIXTURE, 'odd-layout.md').steps);
  const deeper = parseBashBlock(blocks[1]!, 'odd-layout.md').ast!.stmts[1]!;
  assert.equal([deeper.src, deeper.pos], ['echo "deeper"', { line: 36, col: 6 }]);
  const quoted = parseBashBlock(blocks[2]!, 'odd-layout.md').ast!.stmts[0]!;
  assert.equal(quoted.pos, { line: 48, col: 3 });
  const hdoc = parseBashBlock(blocks[3]!, 'odd-layout.md').ast!.stmts[0]!.redirs[0]!.hdoc!;
  assert.equal([hdoc.src, hdoc.pos.line], ['````\n', 54]);
});

test('odd-layout fixture: agent steps hold the prose verbatim, non-bash fences included', () => {
  const steps = parseCommandMarkdown(FIXTURE, 'odd-layout.md').steps;
  assert.equal(steps.map((s) => (s.kind === 'bash' ? `bash ${s.index}` : `agent ${s.line}-${s.endLine}`)), [
    'agent 9-13', 'bash 0', 'agent 20-32', 'bash 1', 'agent 39-45', 'bash 2', 'agent 51-51', 'bash 3', 'agent 58-62',
  ]);
  const [intro, middle, nested, title, last] = agents(steps);
  assert.is(intro!.text, '# Odd layout\n\nIntro prose with an inline `code` span.\n\n## Block 1a: Setup');
  assert.is(intro!.onlyHeadings, false);
  assert.equal(middle!.fences.map((f) => [f.lang, f.fenceLine, f.code]), [[null, 22, 'not bash'], ['json', 26, '{"a": 1}']]);
  assert.ok(middle!.text.includes('```json\n{"a": 1}\n```'));
  assert.equal(nested!.fences.map((f) => [f.lang, f.indent, f.code]), [['markdown', 3, '```bash\necho "nested, never run"\n```']]);
  assert.is(title!.text, '#### Block 3');
  assert.is(title!.onlyHeadings, true);
  assert.equal(last!.fences.map((f) => f.lang), ['python']);
  assert.ok(last!.text.endsWith('Closing prose.'));
});

test('odd-layout fixture: frontmatter keeps unknown keys', () => {
  const md = parseCommandMarkdown(FIXTURE, 'odd-layout.md');
  assert.equal(md.frontmatter, {
    description: 'Odd layout on purpose',
    'argument-hint': '<plan-file> [--dry-run]',
    'allowed-tools': 'Bash, Read',
    'x-unknown-key': { nested: [1, 2] },
  });
  assert.equal(md.frontmatterRange, { line: 1, endLine: 7 });
});

const fenceTable: [string, string, string[]][] = [
  ['``` vs ~~~: a ``` line inside ~~~ is code', '~~~bash\necho a\n```\necho b\n~~~', ['echo a\n```\necho b']],
  ['a longer fence is closed only by one at least as long', '````bash\necho a\n```\n````', ['echo a\n```']],
  ['fences in ````markdown are text', '````markdown\n```bash\necho no\n```\n````\n```bash\necho yes\n```', ['echo yes']],
  ['unlabelled fences are prose', '```\necho no\n```', []],
  ['indented code (4 spaces) is not a fence', '    ```bash\n    echo no\n    ```', []],
  ['a fence in an HTML comment is prose', '<!--\n```bash\necho no\n```\n-->', []],
  ['an empty bash block is a block', '```bash\n```', ['']],
  ['CRLF line endings', '```bash\r\necho a\r\necho b\r\n```\r\n', ['echo a\necho b']],
  ['tilde fence with attributes', '~~~ sh {.numberLines}\necho t\n~~~', ['echo t']],
  ['fences in ~~~markdown are text', '~~~markdown\n```bash\necho no\n```\n~~~', []],
  ['fence in a list item (indented by the item)', '1. step\n\n   ```bash\n   echo one\n   ```\n2. next', ['echo one']],
  ['fence in a nested list', '- a\n  - b\n\n    ```sh\n    echo nested\n    ```', ['echo nested']],
  ['fence indented 1-3 spaces: indentation removed up to the fence\'s', '  ```bash\n  echo a\n    echo b\n  ```', ['echo a\n  echo b']],
  ['a ```! fence is a pre-command, not a block', '```!\ngit status\n```', []],
  ['bash-session / console are not bash', '```console\n$ ls\n```\n```bash-session\nls\n```', []],
  ['label with attributes and title', '```bash title="setup.sh" {linenos=true}\necho a\n```', ['echo a']],
  ['a shorter closing fence does not close', '````bash\necho a\n```\necho b\n````', ['echo a\n```\necho b']],
  ['a fence closed by the end of its list item', '- ```bash\n  echo a\n- next', ['echo a']],
];
test('fence rules', () => {
  for (const [name, text, codes] of fenceTable) {
    assert.equal(bash(parseCommandMarkdown(text, 'f.md').steps).map((b) => b.code), codes, name);
  }
});

test('headings attach to the blocks that follow them', () => {
  const text = '# Cmd\n\n## Block 1: Init\n```bash\na\n```\nsome prose\n```bash\nb\n```\nSetext title\n------------\n```bash\nc\n```';
  const blocks = bash(parseCommandMarkdown(text, 'h.md').steps);
  assert.equal(blocks.map((b) => [b.heading, b.headingLine]), [['Block 1: Init', 3], ['Block 1: Init', 3], ['Setext title', 11]]);
  const none = bash(parseCommandMarkdown('```bash\nx\n```', 'h.md').steps)[0]!;
  assert.equal([none.heading, none.headingLine], [null, null]);
  const inline = bash(parseCommandMarkdown('## Step `two` **now**\n```bash\nx\n```', 'h.md').steps)[0]!;
  assert.is(inline.heading, 'Step two now');
});

test('an unclosed fence runs to the end and is reported', () => {
  const md = parseCommandMarkdown('intro\n\n```bash\necho a\necho b', 'u.md');
  const [b] = bash(md.steps);
  assert.equal([b!.code, b!.closed, b!.endLine], ['echo a\necho b', false, 5]);
  assert.equal(md.diagnostics.map((d) => [d.id, d.severity, d.line, d.col]), [['unclosed-fence', 'warning', 3, 1]]);
});

test('frontmatter: YAML error is located, values still read as text', () => {
  const text = '---\ndescription: Review a PR\nargument-hint: [pr-number] [priority]\nallowed-tools: Bash(git diff:*)\n---\n# Body';
  const md = parseCommandMarkdown(text, 'fm.md');
  assert.equal(md.diagnostics.map((d) => [d.id, d.severity, d.file, d.line, d.col]), [['frontmatter-yaml-error', 'warning', 'fm.md', 3, 28]]);
  assert.equal(md.frontmatter, {
    description: 'Review a PR',
    'argument-hint': '[pr-number] [priority]',
    'allowed-tools': 'Bash(git diff:*)',
  });
  assert.equal(agents(md.steps).map((s) => [s.line, s.text]), [[6, '# Body']]);
});

test('frontmatter: not a mapping, empty, unclosed, absent', () => {
  const list = parseCommandMarkdown('---\n- a\n- b\n---\n', 'l.md');
  assert.equal([list.frontmatter, list.diagnostics.map((d) => [d.id, d.line])], [{}, [['frontmatter-not-mapping', 2]]]);
  const empty = parseCommandMarkdown('---\n---\nbody', 'e.md');
  assert.equal([empty.frontmatter, empty.frontmatterRange, empty.diagnostics], [{}, { line: 1, endLine: 2 }, []]);
  const unclosed = parseCommandMarkdown('---\ntitle: x\n\nbody', 'u.md');
  assert.equal([unclosed.frontmatterRange, unclosed.diagnostics.map((d) => d.id)], [null, ['frontmatter-unclosed']]);
  const none = parseCommandMarkdown('# Title\n---\nx: 1\n---', 'n.md');
  assert.equal([none.frontmatter, none.frontmatterRange], [{}, null]);
});

test('frontmatter lines never become a heading or an agent step', () => {
  const md = parseCommandMarkdown('---\ntitle: x\n---\n```bash\necho\n```', 'f.md');
  assert.equal(md.steps.map((s) => s.kind), ['bash']);
  assert.is((md.steps[0] as BashBlock).heading, null);
  assert.is((md.steps[0] as BashBlock).fenceLine, 4);
});

test('never throws on odd input', () => {
  for (const text of ['', '\n\n', '```', '~~~~~~', '---', '---\n---', '> ```bash\n> x', '\u0000```bash\n\uD800\n```', '- ```bash\n  x\n']) {
    const md = parseCommandMarkdown(text, 'x.md');
    assert.ok(Array.isArray(md.steps));
  }
});

test('`!` pre-commands: matched as text (after a line start or a blank, spanning lines, in any fence), and ```! fences', () => {
  const text = [
    '## Context',
    '- Status: !`git status --short`',
    '- Not a pre-command: `!x` nor a!`y`',
    '',
    '```!',
    'git log -3',
    '```',
    '',
    '```bash',
    'echo "!`not after a blank`" !`date +%s`',
    '```',
    '',
    '````markdown',
    'Example: !`run too`',
    '````',
    'Then: !`printf "%s\\n" a',
    'b`',
  ].join('\n');
  const md = parseCommandMarkdown(text, 'p.md');
  assert.equal(
    md.preCommands.map((p) => [p.fence, p.command, p.line, p.col, p.endLine, p.endCol, p.step]),
    [
      [false, 'git status --short', 2, 11, 2, 32, 0],
      [true, 'git log -3', 6, 1, 7, 4, 0],
      [false, 'date +%s', 10, 29, 10, 40, 1],
      [false, 'run too', 14, 10, 14, 20, 2],
      [false, 'printf "%s\\n" a\nb', 16, 7, 17, 3, 2],
    ],
  );
  const first = md.steps[0] as AgentStep;
  assert.is(first.text.slice(md.preCommands[1]!.textStart, md.preCommands[1]!.textEnd), '```!\ngit log -3\n```');
  const block = md.steps[1] as { code: string };
  assert.is(block.code.slice(md.preCommands[2]!.textStart, md.preCommands[2]!.textEnd), '!`date +%s`');
  assert.equal(stepsInOrder(md).map((s) => s.kind), ['pre', 'pre', 'agent', 'pre', 'bash', 'pre', 'pre', 'agent']);
});

test('commandNameFor / commandInfoFor: commands, namespaces, skills', () => {
  const table: [string, Record<string, unknown>, ReturnType<typeof commandInfoFor>][] = [
    ['commands/implement.md', {}, { name: 'implement', namespace: null, layout: 'command' }],
    ['.claude/commands/review.md', {}, { name: 'review', namespace: null, layout: 'command' }],
    ['/home/u/p/.claude/commands/git/sub/pr.md', {}, { name: 'pr', namespace: 'git:sub', layout: 'command' }],
    ['.claude/skills/pdf/SKILL.md', {}, { name: 'pdf', namespace: null, layout: 'skill' }],
    ['.claude/skills/pdf/skill.md', {}, { name: 'pdf', namespace: null, layout: 'skill' }],
    ['.claude/skills/pdf/SKILL.md', { name: 'pdf-tools' }, { name: 'pdf-tools', namespace: null, layout: 'skill' }],
    ['.claude/skills/pdf/REFERENCE.md', {}, null],
    ['.claude/skills/pdf/docs/SKILL.md', {}, null],
    ['C:\\repo\\.claude\\skills\\x\\SKILL.md', {}, { name: 'x', namespace: null, layout: 'skill' }],
    ['notes/plan.md', {}, { name: 'plan', namespace: null, layout: 'file' }],
  ];
  for (const [path, fm, want] of table) assert.equal(commandInfoFor(path, fm), want, path);
  assert.is(commandNameFor('.claude/skills/a/SKILL.md'), 'a');
  assert.is(commandNameFor('.claude/skills/a/b.md'), null);
});

test.run();
