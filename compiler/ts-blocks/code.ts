/**
 * The user's code of a ts block as the generated module holds it: every line indented to the
 * block function's level except the lines that start inside a multi-line template literal
 * (indenting those would change the string), with the columns added per line so that positions
 * map back to the .md exactly. Also the state keys the block appends (`wf.append({ K: v })`)
 * and their kinds, read from its syntax (the bash state-flow analysis does not read TypeScript).
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
 * Keys a ts block appends with `wf.append({ KEY: value, ... })` (object literal properties with
 * plain names), and their kind from the value's syntax: a number or an arithmetic expression →
 * integer, an array literal → array, a `_JSON` key → json, anything else → string.
 */
export function appendedKeys(code: string): Record<string, StateKind> {
  const out: Record<string, StateKind> = {};
  const sf = parse(code);
  const visit = (n: ts.Node): void => {
    if (
      ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'append' &&
      ts.isIdentifier(n.expression.expression) && n.expression.expression.text === 'wf'
    ) {
      const arg = n.arguments[0];
      if (arg && ts.isObjectLiteralExpression(arg)) {
        for (const p of arg.properties) {
          const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
          if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
          const value = ts.isPropertyAssignment(p) ? p.initializer : null;
          out[name] = name.endsWith('_JSON') ? 'json' : value ? kindOf(value) : 'string';
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
