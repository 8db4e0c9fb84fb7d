/**
 * The user's code of a ts block as the generated module holds it: every line indented to the
 * block function's level except the lines that start inside a multi-line template literal
 * (indenting those would change the string), with the columns added per line so that positions
 * map back to the .md exactly. Also the state keys the block appends (`wf.append({ K: v })`)
 * and their kinds, read from its syntax (the bash state-flow analysis does not read TypeScript),
 * and the runtime's word helpers it uses (in scope like `sh`, so the exact tier's statements —
 * what `cmdc eject` writes where the typed tier does not apply — are valid in a ts block).
 */
import { ts } from 'ts-morph';
import type { StateKind } from '../../runtime/lang/state-types.js';

export interface LaidOutCode {
  /** The code with the indentation added. */
  text: string;
  /** Columns added at the start of each line (0 for lines inside a template literal). */
  added: number[];
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('block.ts', `async () => {\n${code}\n}`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/**
 * The leading `import` declarations of a block (with the comments and blank lines among them),
 * which the module holds at its top, and the rest. `rows` is how many lines the imports take.
 */
export function splitImports(code: string): { imports: string; body: string; rows: number } {
  const sf = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let end = -1;
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st)) break;
    end = sf.getLineAndCharacterOfPosition(st.getEnd()).line;
  }
  if (end < 0) return { imports: '', body: code, rows: 0 };
  const lines = code.split('\n');
  return { imports: lines.slice(0, end + 1).join('\n'), body: lines.slice(end + 1).join('\n'), rows: end + 1 };
}

/** Indent `code` by `indent`, leaving lines that start inside a template literal as they are. */
export function layoutUserCode(code: string, indent = '  '): LaidOutCode {
  const lines = code.split('\n');
  const keep = new Set<number>();
  const sf = parse(code);
  const visit = (n: ts.Node): void => {
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n) || (ts.isStringLiteral(n) && n.getText(sf).includes('\\\n'))) {
      // the wrapper adds one line before the code
      const a = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line - 1;
      const b = sf.getLineAndCharacterOfPosition(n.getEnd()).line - 1;
      for (let l = a + 1; l <= b; l++) keep.add(l);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const added = lines.map((l, i) => (keep.has(i) || l === '' ? 0 : indent.length));
  return { text: lines.map((l, i) => (added[i] ? indent + l : l)).join('\n'), added };
}

/**
 * Keys a ts block appends: `wf.append({ KEY: value, ... })` (also `wf.top(N).append(…)`, as the
 * typed tier writes it), with the kind the value's syntax gives (a number or an arithmetic
 * expression → integer, an array literal → array, a `_JSON` key → json, else string), and
 * `sh….cmd(["append_workflow_state", "KEY", …])` / `append_workflow_state_array` of the exact
 * tier (string / array).
 */
export function appendedKeys(code: string): Record<string, StateKind> {
  const out: Record<string, StateKind> = {};
  const sf = parse(code);
  const isWf = (e: ts.Expression): boolean =>
    ts.isIdentifier(e) ? e.text === 'wf' : ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ['top', 'at'].includes(e.expression.name.text) && isWf(e.expression.expression);
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
      const method = n.expression.name.text;
      const arg = n.arguments[0];
      if (method === 'append' && isWf(n.expression.expression) && arg && ts.isObjectLiteralExpression(arg)) {
        for (const p of arg.properties) {
          const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
          if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
          const value = ts.isPropertyAssignment(p) ? p.initializer : null;
          out[name] = name.endsWith('_JSON') ? 'json' : value ? kindOf(value) : 'string';
        }
      }
      if (method === 'cmd' && arg && ts.isArrayLiteralExpression(arg)) {
        const [fn, key] = arg.elements;
        if (fn && key && ts.isStringLiteral(fn) && ts.isStringLiteral(key) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key.text)) {
          if (fn.text === 'append_workflow_state') out[key.text] = key.text.endsWith('_JSON') ? 'json' : 'string';
          if (fn.text === 'append_workflow_state_array') out[key.text] = 'array';
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

function kindOf(e: ts.Expression): StateKind {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isNumericLiteral(e)) return 'integer';
  if (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand)) return 'integer';
  if (ts.isArrayLiteralExpression(e)) return 'array';
  if (ts.isBinaryExpression(e) && [ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.PercentToken].includes(e.operatorToken.kind)) return 'integer';
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') return 'integer';
  if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && ['Number', 'parseInt'].includes(e.expression.text)) return 'integer';
  return 'string';
}

/** The runtime's word helpers (runtime/index.ts re-exports them from runtime/shell/words.ts), and `typed` (the typed scope a closure of an ejected block binds to its own shell). */
export const WORD_HELPERS = ['typed', 'w', 'glob', 'dq', 'param', 'sub', 'len', 'slice', 'repl', 'keys', 'indirect', 'names', 'cmdsub', 'procsub', 'arith', 'tilde', 'brace', 'arr', 'elem', 'r', 'env'] as const;

/** The word helpers a block's code calls (`dq(`, `r(`…), minus names the block declares or imports itself. */
export function helpersUsed(code: string): string[] {
  const sf = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const called = new Set<string>();
  const declared = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) called.add(n.expression.text);
    if ((ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isParameter(n) || ts.isImportSpecifier(n) || ts.isImportClause(n) || ts.isNamespaceImport(n)) && n.name && ts.isIdentifier(n.name)) {
      declared.add(n.name.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return WORD_HELPERS.filter((h) => called.has(h) && !declared.has(h));
}
