/**
 * Nothing from a command file reaches code position in the generated module (issue 12, item 5).
 * compiler/escape.ts is the one escaping function; fast-check feeds it, and the whole compiler,
 * texts made of what breaks naive escaping: newlines, U+2028/U+2029 (line terminators to JS),
 * `*\/`, quotes, backticks, `${`, backslashes, lone surrogates. For file names, headings and
 * bash comments built from them, the generated module parses with no error, holds only the
 * expected top-level declarations, and its header and `source` give the exact name back.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import ts from 'typescript';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { escapeText, unescapeLineComment } from '../../compiler/escape.js';
import { compile } from '../../compiler/index.js';
import { readHeader } from '../../compiler/emit.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PIECES = ['\n', '\r', '\u2028', '\u2029', '*/', '/*', '//', '"', "'", '`', '${', '}', '\\', '\\n', 'a', ' ', ')', ';', 'process.exit(9)', 'é', '🦀', '\ud800', '\udc00'];
const tricky = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join(''));
const anyText = fc.oneof(tricky, fc.string({ unit: 'binary' }));

test('escapeText: a string literal evaluates to the text; comments hold no terminator', () => {
  fc.assert(
    fc.property(anyText, (s) => {
      assert.is(new Function(`return ${escapeText(s, 'string')};`)(), s);
      assert.is(new Function(`return ${escapeText(s, 'single-quoted')};`)(), s);
      const line = escapeText(s, 'line-comment');
      assert.not.match(line, /[\n\r\u2028\u2029]/);
      assert.is(unescapeLineComment(line), s);
      assert.not.ok(escapeText(s, 'block-comment').includes('*/'));
      // in place, nothing of it is code: a function whose comments hold it still returns 1
      const code = `// ${line}\n/* ${escapeText(s, 'block-comment')} */ return 1;`;
      assert.is(new Function(code)(), 1);
    }),
    { numRuns: 2000 },
  );
});

/** The top-level statement kinds of a module, and its parse errors. */
function shape(code: string): { kinds: string[]; errors: number; source: string | undefined } {
  const sf = ts.createSourceFile('m.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const errors = (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
  let source: string | undefined;
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAssignment(n) && n.name.getText(sf) === 'source' && ts.isStringLiteral(n.initializer)) source ??= n.initializer.text;
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const kind = (s: ts.Statement) =>
    ts.isImportDeclaration(s) ? 'import' : ts.isInterfaceDeclaration(s) ? 'interface' : ts.isFunctionDeclaration(s) ? 'function' : ts.isVariableStatement(s) ? 'const' : ts.SyntaxKind[s.kind];
  return { kinds: sf.statements.map(kind), errors, source };
}

test('compiled modules: hostile file names, headings and comments stay text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-escape-'));
  try {
    // names must be valid file names: no '/', no NUL, not empty
    const fileName = tricky.map((s) => `c${s.replace(/\//g, '-').replace(/\0/g, '')}`).filter((s) => Buffer.byteLength(s) < 200);
    fc.assert(
      fc.property(fileName, tricky, tricky, (name, heading, comment) => {
        const file = join(dir, `${name}.md`);
        writeFileSync(file, `# t\n\n## Block 1: ${heading.replace(/[\n\r]/g, ' ')}\n\n\`\`\`bash\n# ${comment.replace(/[\n\r]/g, ' ')}\necho hi\n\`\`\`\n`);
        const r = compile([file], { root: dir, outDir: join(dir, 'gen'), runtimeEntry: join(ROOT, 'runtime/index.ts') });
        rmSync(file);
        if (r.failed) return; // a clear diagnostic instead of code is fine
        const code = r.results[0]!.code!;
        const s = shape(code);
        assert.is(s.errors, 0, code);
        assert.equal(s.kinds, ['import', 'interface', 'function', 'const'], code);
        assert.is(readHeader(code)?.source, `${name}.md`);
        assert.is(s.source, `${name}.md`);
      }),
      { numRuns: 150 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
