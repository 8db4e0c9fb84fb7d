/**
 * compiler/diagnostics.ts: factories make stable kebab-case ids, the formatter prints
 * `file.md:line:col: severity[id]: message` with a code frame (colors only when asked), hints,
 * ordering, and the summary line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as D from '../../compiler/diagnostics.js';
import { parseBashBlock } from '../../compiler/parse.js';
import { parseCommandMarkdown, type BashBlock } from '../../compiler/markdown.js';

const factories = Object.values(D).filter(
  (v): v is D.DiagnosticFactory<unknown[]> => typeof v === 'function' && typeof (v as { id?: unknown }).id === 'string',
);

test('every factory has a unique kebab-case id and a severity', () => {
  assert.ok(factories.length >= 5);
  const ids = factories.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const f of factories) {
    assert.match(f.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(['error', 'warning', 'info'].includes(f.severity), f.id);
  }
});

test('a factory builds the diagnostic from a location', () => {
  const d = D.parseError({ file: 'a.md', line: 3, col: 7, endLine: 3, endCol: 9 }, 'bad', 'try this');
  assert.equal(d, { id: 'parse-error', severity: 'error', message: 'bad', file: 'a.md', line: 3, col: 7, endLine: 3, endCol: 9, hint: 'try this' });
  const n = D.unclosedFence(D.locationOf('b.md', { pos: { line: 2, col: 1 }, end: { line: 2, col: 4 } }), '```');
  assert.equal([n.file, n.line, n.col, n.endLine, n.endCol, n.severity], ['b.md', 2, 1, 2, 4, 'warning']);
  assert.not.ok('hint' in D.parseError({ file: 'a.md', line: 1, col: 1 }, 'no hint'));
});

const SRC = ['# Title', '', '```bash', 'echo start', '  fi', '```', 'after'].join('\n');

test('format: header line, code frame with caret under the column, hint', () => {
  const d = D.parseError({ file: 'cmd.md', line: 5, col: 3, endLine: 5, endCol: 5 }, '"fi" can only be used to end an if', 'check if/fi');
  assert.is(
    D.formatDiagnostic(d, SRC),
    [
      'cmd.md:5:3: error[parse-error]: "fi" can only be used to end an if',
      '  3 | ```bash',
      '  4 | echo start',
      '> 5 |   fi',
      '    |   ^^',
      '  6 | ```',
      '  7 | after',
      '  hint: check if/fi',
    ].join('\n'),
  );
});

test('format: no frame without source or for a line outside it; a point caret without a range', () => {
  const d = D.unclosedFence({ file: 'x.md', line: 2, col: 1 }, '```bash');
  assert.is(D.formatDiagnostic(d), 'x.md:2:1: warning[unclosed-fence]: code fence ```bash is never closed: it runs to the end of its container');
  assert.is(D.formatDiagnostic({ ...d, line: 99 }, SRC).split('\n').length, 1);
  const frame = D.formatDiagnostic({ ...d, line: 4, col: 6 }, SRC).split('\n');
  assert.ok(frame.includes('    |      ^'), frame.join('\n'));
});

test('format: colors only when asked', () => {
  const d = D.parseError({ file: 'cmd.md', line: 5, col: 3 }, 'msg', 'hint');
  const plain = D.formatDiagnostic(d, SRC);
  const colored = D.formatDiagnostic(d, SRC, { color: true });
  assert.not.match(plain, /\u001b\[/);
  assert.match(colored, /\u001b\[/);
  assert.is(colored.replace(/\u001b\[\d+m/g, ''), plain);
  assert.not.match(D.formatSummary([d]), /\u001b\[/);
});

test('summary line counts errors and warnings', () => {
  const e = D.parseError({ file: 'a.md', line: 1, col: 1 }, 'x');
  const w = D.unclosedFence({ file: 'a.md', line: 1, col: 1 }, '```');
  assert.is(D.formatSummary([]), '0 errors, 0 warnings');
  assert.is(D.formatSummary([e, w]), '1 error, 1 warning');
  assert.is(D.formatSummary([e, e, w, w, w]), '2 errors, 3 warnings');
  assert.equal(D.countDiagnostics([e, w, w]), { errors: 1, warnings: 2, infos: 0 });
});

test('formatDiagnostics sorts by file, line, col and ends with the summary', () => {
  const a = D.parseError({ file: 'b.md', line: 1, col: 1 }, 'b1');
  const b = D.parseError({ file: 'a.md', line: 9, col: 1 }, 'a9');
  const c = D.parseError({ file: 'a.md', line: 2, col: 5 }, 'a2');
  const out = D.formatDiagnostics([a, b, c], () => undefined);
  assert.equal(out.split('\n').filter(Boolean), [
    'a.md:2:5: error[parse-error]: a2',
    'a.md:9:1: error[parse-error]: a9',
    'b.md:1:1: error[parse-error]: b1',
    '3 errors, 0 warnings',
  ]);
});

test('end to end: a broken block in a .md file is framed at its .md line', () => {
  const md = parseCommandMarkdown(SRC, 'cmd.md');
  const block = md.steps.find((s): s is BashBlock => s.kind === 'bash')!;
  const [d] = parseBashBlock(block, 'cmd.md').diagnostics;
  const text = D.formatDiagnostic(d!, SRC);
  assert.match(text, /^cmd\.md:5:3: error\[parse-error\]: "fi" can only be used to end an if\n/);
  assert.match(text, /> 5 \|   fi\n {4}\| {3}\^\^/);
});

test.run();
