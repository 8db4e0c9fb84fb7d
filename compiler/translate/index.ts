/**
 * Translation entry points and the exhaustive dispatch over command kinds (one file per kind).
 * A construct a translator does not handle throws NeedIsland, caught here per statement: that
 * statement becomes a bash island (with an `island` info diagnostic), never an exception.
 *
 *   translateBlock(ast, ctx)          → { body, lines, imports, stats }   (body uses `sh`)
 *   islandBlock(text, line, ctx, why) → same shape, the whole block as one island
 *
 * Translators return IR (compiler/ir/nodes.ts); compiler/ir/print.ts prints the block.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { NeedIsland, at, bodyFn, q, shCall, type Code } from './common.js';
import { printStmts } from '../ir/print.js';
import { callExpr } from './call.js';
import { declClause } from './decl.js';
import { binaryCmd } from './binary.js';
import { ifClause } from './if.js';
import { whileClause } from './while.js';
import { forClause } from './for.js';
import { caseClause } from './case.js';
import { block } from './block.js';
import { subshell } from './subshell.js';
import { funcDecl } from './func.js';
import { testClause } from './test.js';
import { arithmCmd, letClause } from './arithm.js';
import { islandStmt } from './island.js';
import { redirect as redirectOf } from './redirect.js';

export interface TranslateResult {
  /** TS statements for the block function's body (the shell is `sh`). */
  body: string;
  /** The .md line of each line of `body` (0: none). */
  lines: number[];
  /** Names to import from runtime/index.js. */
  imports: string[];
  stats: { native: number; islands: number };
}

export function takeComments(ctx: Context, before: A.Pos | null): Code[] {
  const q = ctx.comments;
  const out: Code[] = [];
  while (q.length && (before === null || q[0]!.pos.line < before.line || (q[0]!.pos.line === before.line && q[0]!.pos.col < before.col))) {
    const c = q.shift()!;
    if (c.pos.line === 1 && c.text.startsWith('!')) continue; // shebang
    // a bash comment stays a comment (U+2028/U+2029 would end a JS one): compiler/escape.ts
    const trailing = !!ctx.lastEnd && c.pos.line === ctx.lastEnd.line && c.pos.col > ctx.lastEnd.col;
    out.push({ k: 'comment', line: c.pos.line, text: c.text.replace(/\r/g, ''), ...(trailing ? { trailing } : {}) });
  }
  return out;
}

/**
 * The comment that ends the line where `s` ends, when only blanks and `;`/`&` separate them in
 * the source (not `)`, `then`, `done`, …: then it belongs to an enclosing statement).
 */
function takeTrailing(ctx: Context, s: A.Stmt): Code[] {
  const c = ctx.comments[0];
  if (!c || c.pos.line !== s.end.line || c.pos.col < s.end.col) return [];
  ctx.sourceLines ??= ctx.source.split('\n');
  const between = (ctx.sourceLines[c.pos.line - 1] ?? '').slice(s.end.col - 1, c.pos.col - 1);
  if (!/^[\s;&]*$/.test(between)) return [];
  return takeComments(ctx, { line: c.pos.line, col: c.pos.col + 1 });
}

/** The command of a statement, without `!` / `&`. */
function command(cmd: A.Command, s: A.Stmt, ctx: Context): Code {
  switch (cmd.kind) {
    case 'CallExpr': return callExpr(cmd, s, ctx);
    case 'DeclClause': return declClause(cmd, s, ctx);
    case 'BinaryCmd': return withRedirs(binaryCmd(cmd, s, ctx), s, ctx);
    case 'IfClause': return withRedirs(ifClause(cmd, s, ctx), s, ctx);
    case 'WhileClause': return whileClause(cmd, s, ctx);
    case 'ForClause': return forClause(cmd, s, ctx);
    case 'CaseClause': return withRedirs(caseClause(cmd, s, ctx), s, ctx);
    case 'Block': return block(cmd, s, ctx);
    case 'Subshell': return subshell(cmd, s, ctx);
    case 'FuncDecl': return withRedirs(funcDecl(cmd, s, ctx), s, ctx);
    case 'TestClause': return withRedirs(testClause(cmd, s, ctx), s, ctx);
    case 'ArithmCmd': return arithmCmd(cmd, s, ctx);
    case 'LetClause': return letClause(cmd, s, ctx);
    case 'TimeClause': throw new NeedIsland('time', cmd);
    case 'CoprocClause': throw new NeedIsland('coproc', cmd);
    case 'Unsupported': throw new NeedIsland(`${cmd.nodeType}`, cmd);
    default: {
      const never: never = cmd;
      throw new NeedIsland(`command ${(never as { kind: string }).kind}`);
    }
  }
}

/** Redirects on a compound command that does not take them itself: wrap in `sh.group`. */
function withRedirs(c: Code, s: A.Stmt, ctx: Context): Code {
  if (!s.redirs.length) return c;
  const rs = s.redirs.map((r) => redirectOf(r, ctx));
  return shCall(at(s), 'group', [bodyFn([c]), ...rs]);
}

/** One statement: native when possible, else an island. */
export function stmt(s: A.Stmt, ctx: Context): Code {
  const imports = new Set(ctx.imports);
  const native = ctx.stats.native;
  const islands = ctx.stats.islands;
  try {
    if (s.coprocess) throw new NeedIsland('coprocess', s);
    let c: Code;
    // `( … ) &` is one subshell, the job itself (killing the job ends it)
    const jobSubshell = s.background && s.cmd?.kind === 'Subshell' && !s.redirs.length && !s.negated ? s.cmd : null;
    if (jobSubshell) c = { k: 'none', line: s.pos.line };
    else if (s.cmd === null) c = callExpr({ kind: 'CallExpr', pos: s.pos, end: s.end, src: s.src, assigns: [], args: [] }, s, ctx);
    else c = command(s.cmd, s, ctx);
    if (s.negated) c = shCall(at(s), 'not', [bodyFn([c])]);
    // `cmd &`: a background job (its text is what `jobs` shows)
    if (s.background) {
      const body = jobSubshell ? bodyFn(stmts(jobSubshell.stmts, ctx)) : bodyFn([c]);
      c = shCall(at(s), 'bg', [body, q(s.src.replace(/\s*&\s*$/, '') + ' &')]);
    }
    ctx.stats.native++;
    ctx.lastEnd = s.end;
    return c;
  } catch (e) {
    if (!(e instanceof NeedIsland)) throw e;
    // undo what the failed attempt recorded
    ctx.imports = imports;
    ctx.stats.native = native;
    ctx.stats.islands = islands + 1;
    ctx.island(e.node ?? s, e.construct);
    ctx.lastEnd = s.end;
    return islandStmt(s.src, s.pos.line, e.construct, ctx);
  }
}

/** A statement list as Code (comments included). */
export function stmts(list: readonly A.Stmt[], ctx: Context): Code[] {
  const out: Code[] = [];
  list.forEach((s, i) => {
    out.push(...takeComments(ctx, s.pos));
    out.push(stmt(s, ctx));
    if (!list[i + 1] || list[i + 1]!.pos.line > s.end.line) out.push(...takeTrailing(ctx, s));
  });
  return out;
}

function begin(ctx: Context): { native: number; islands: number } {
  ctx.imports = new Set();
  return { ...ctx.stats };
}

function end(ctx: Context, codes: readonly Code[], before: { native: number; islands: number }, top: (i: number) => boolean = () => false): TranslateResult {
  const printed = printStmts(codes, top);
  return {
    body: printed.text,
    lines: printed.lines,
    imports: [...ctx.imports].sort(),
    stats: { native: ctx.stats.native - before.native, islands: ctx.stats.islands - before.islands },
  };
}

/**
 * The block's top-level statements, where each one that starts a new line of bash (a new
 * top-level command, as bash reads them) begins with `sh.top(N)` instead of `sh.at(N)`: an
 * error that abandons the current top-level command (runtime TopLevelSignal) skips to there.
 */
function topLevel(list: readonly A.Stmt[], ctx: Context): { codes: Code[]; tops: Set<number> } {
  const codes: Code[] = [];
  const tops = new Set<number>();
  let lastLine = 0;
  list.forEach((s, i) => {
    codes.push(...takeComments(ctx, s.pos));
    const c = stmt(s, ctx);
    if (s.pos.line > lastLine) tops.add(codes.length);
    codes.push(c);
    if (!list[i + 1] || list[i + 1]!.pos.line > s.end.line) codes.push(...takeTrailing(ctx, s));
    lastLine = s.end.line;
  });
  return { codes, tops };
}

/** Translate a parsed block. Never throws: anything unexpected becomes a whole-block island. */
export function translateBlock(file: A.File, ctx: Context): TranslateResult {
  const before = begin(ctx);
  ctx.comments = [...file.comments];
  ctx.lastEnd = null;
  try {
    const { codes, tops } = topLevel(file.stmts, ctx);
    codes.push(...takeComments(ctx, null));
    return end(ctx, codes, before, (i) => tops.has(i));
  } catch (e) {
    ctx.stats = { ...before };
    const line = file.pos.line;
    return islandBlock(file.src, line, ctx, `internal translator error: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    ctx.comments = [];
  }
}

/**
 * A block kept whole as bash (it did not parse, or translation failed). At run time it runs in
 * real bash with its lines aligned to the .md, so bash's own syntax error names the .md line.
 */
export function islandBlock(text: string, line: number, ctx: Context, reason: string): TranslateResult {
  const before = begin(ctx);
  ctx.stats.islands++;
  const c = islandStmt(text, line, reason, ctx);
  return end(ctx, [c], before);
}
