/**
 * The typed tier (`cmdc compile --emit typed`): a block's statements in the typed form where
 * compiler/typed/analyze.ts proves it equal to bash, the exact tier's form (translate/index.ts
 * `stmt`) for every other statement; printed by compiler/typed/print.ts. The block starts with
 * `const { $, v, ts, wf } = typed<State>(sh);` (runtime/typed) when it has typed statements.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { walk } from '../analysis/walk.js';
import { stmt, takeComments, translateBlock, type TranslateResult } from '../translate/index.js';
import { XTRACE, type Code } from '../translate/common.js';
import { appendRun, commit, definedFunctions, simpleNode, type Found, type TypedInfo } from './analyze.js';
import type { Node, TierStats } from './ir.js';
import { printNodes, scopeLine } from './print.js';
import { children, compoundNode, type Walker } from './compound.js';
import { fallbackReason } from './fallback.js';

export type { TierStats } from './ir.js';
export { printNodes } from './print.js';

/** A translated block plus its statements per tier. */
export interface TypedTranslateResult extends TranslateResult {
  tiers: TierStats;
}

interface Walk {
  readonly ctx: Context;
  readonly info: TypedInfo;
}

function comments(w: Walk, before: A.Pos | null): Node[] {
  return takeComments(w.ctx, before).map((code: Code) => ({ k: 'comment' as const, code }));
}

function exact(s: A.Stmt, top: boolean, w: Walk): Node {
  return { k: 'exact', line: s.pos.line, top, code: stmt(s, w.ctx) };
}

/** `a && b || c` chains of one operator, flattened as the exact tier does. */
function flatten(b: A.BinaryCmd, out: A.Stmt[]): void {
  const same = (s: A.Stmt) => s.cmd?.kind === 'BinaryCmd' && s.cmd.op === b.op && !s.negated && !s.background && !s.redirs.length;
  if (same(b.x)) flatten(b.x.cmd as A.BinaryCmd, out);
  else out.push(b.x);
  out.push(b.y);
}

/** Whether `s` has a typed form somewhere (no side effects). */
function typable(s: A.Stmt, cond: boolean, w: Walk): boolean {
  if (simpleNode(s, false, cond, w.ctx, w.info)) return true;
  const c = s.cmd;
  if (!c || s.negated || s.background || s.redirs.length) return false;
  if (c.kind === 'BinaryCmd' && (c.op === '&&' || c.op === '||')) {
    const items: A.Stmt[] = [];
    flatten(c, items);
    return items.some((x, i) => typable(x, cond || i < items.length - 1, w));
  }
  if (c.kind === 'IfClause') return [c.cond, ...c.elifs.map((e) => e.cond)].every((x) => x.length === 1);
  if (c.kind === 'Block') return true;
  return false;
}

/** One statement: its typed node, or null when it has none. `cond`: see simpleNode. */
function typedStmt(s: A.Stmt, top: boolean, cond: boolean, w: Walk): Node | null {
  const found: Found | null = simpleNode(s, top, cond, w.ctx, w.info);
  if (found) {
    w.ctx.stats.native++;
    return commit(found, w.info);
  }
  const c = s.cmd;
  if (!c || !typable(s, cond, w)) return null;
  const line = s.pos.line;
  if (c.kind === 'BinaryCmd' && (c.op === '&&' || c.op === '||')) {
    const items: A.Stmt[] = [];
    flatten(c, items);
    const nodes = items.map((x, i) => typedStmt(x, false, cond || i < items.length - 1, w) ?? compound(x, false, w) ?? exact(x, false, w));
    w.ctx.stats.native++;
    return { k: 'list', line, top, op: c.op, items: nodes };
  }
  if (c.kind === 'IfClause') {
    const branch = (cnd: A.Stmt[], then: A.Stmt[]) => {
      const cs = cnd[0]!;
      const condNode = typedStmt(cs, false, true, w) ?? compound(cs, false, w) ?? exact(cs, false, w);
      return { cond: condNode, body: stmts(then, false, w) };
    };
    const branches = [branch(c.cond, c.then), ...c.elifs.map((e) => branch(e.cond, e.then))];
    const els = c.else ? stmts(c.else, false, w) : null;
    w.ctx.stats.native++;
    return { k: 'if', line, top, branches, else: els };
  }
  if (c.kind === 'Block') {
    w.ctx.stats.native++;
    return { k: 'block', line, top, body: stmts(c.stmts, false, w) };
  }
  return null;
}

/** A compound statement whose bodies are walked (./compound.ts), or null. */
function compound(s: A.Stmt, top: boolean, w: Walk): Node | null {
  const walker: Walker = {
    ctx: w.ctx,
    stmts: (list) => stmts(list, false, w),
    stmt: (x, cond) => typedStmt(x, false, cond, w) ?? compound(x, false, w) ?? exact(x, false, w),
    deep: (x) => deep(x, w),
  };
  const n = compoundNode(s, top, walker);
  if (n) w.ctx.stats.native++;
  return n;
}

/** Whether some statement in `s` (itself included) has a typed form. */
function deep(s: A.Stmt, w: Walk): boolean {
  if (simpleNode(s, false, true, w.ctx, w.info)) return true;
  return s.cmd !== null && children(s.cmd).some((x) => deep(x, w));
}

/** A statement list (comments carried over); `topLevel`: the block's own statements. */
function stmts(list: readonly A.Stmt[], topLevel: boolean, w: Walk): Node[] {
  const out: Node[] = [];
  let lastLine = 0;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    out.push(...comments(w, s.pos));
    const top = topLevel && s.pos.line > lastLine;
    const run = top || !topLevel ? appendRun(list, i) : [];
    if (run.length > 0) {
      for (let j = 0; j < run.length; j++) w.info.typed.add(list[i + j]!);
      w.info.forms['wf.append'] = (w.info.forms['wf.append'] ?? 0) + 1;
      w.ctx.stats.native += run.length;
      out.push({ k: 'append', line: s.pos.line, top, entries: run });
      i += run.length - 1;
      lastLine = list[i]!.end.line;
      continue;
    }
    out.push(typedStmt(s, top, false, w) ?? compound(s, top, w) ?? exact(s, top, w));
    lastLine = s.end.line;
  }
  return out;
}

/** Simple statements of a block (those inside `$( )` / `<( )` not counted). */
function simpleStmts(file: A.File): { s: A.Stmt; parents: readonly A.Node[] }[] {
  const out: { s: A.Stmt; parents: readonly A.Node[] }[] = [];
  walk(file, (n, parents) => {
    if (n.kind === 'CmdSubst' || n.kind === 'ProcSubst') return false;
    if (n.kind !== 'Stmt') return;
    const k = n.cmd?.kind;
    if (k === undefined || k === 'CallExpr' || k === 'DeclClause' || k === 'TestClause' || k === 'ArithmCmd' || k === 'LetClause') {
      if (!parents.some((p) => p.kind === 'CmdSubst' || p.kind === 'ProcSubst')) out.push({ s: n, parents: [...parents] });
    }
  });
  return out;
}

/** Translate a parsed block in the typed tier (never throws: falls back to the exact tier). */
export function translateBlockTyped(file: A.File, ctx: Context): TypedTranslateResult {
  const before = { ...ctx.stats };
  const info: TypedInfo = { funcs: definedFunctions(ctx.source), typed: new Set(), forms: {}, xtrace: XTRACE.test(ctx.source) };
  const all = simpleStmts(file);
  ctx.imports = new Set();
  ctx.comments = [...file.comments];
  try {
    const w: Walk = { ctx, info };
    const nodes = stmts(file.stmts, true, w);
    nodes.push(...comments(w, null));
    const printed = printNodes(nodes);
    let body = printed.text;
    let lines = printed.lines;
    if (printed.used.size || printed.scoped) ctx.use('typed');
    if (printed.used.size) {
      lines = [0, ...lines];
      body = `${scopeLine(printed.used)}
${body}`;
    }
    const typed = all.filter((x) => info.typed.has(x.s)).length;
    const fallbacks: Record<string, number> = {};
    for (const x of all) {
      if (info.typed.has(x.s)) continue;
      const why = fallbackReason(x.s, x.parents, ctx, info);
      fallbacks[why] = (fallbacks[why] ?? 0) + 1;
    }
    return {
      body,
      lines,
      imports: [...ctx.imports].sort(),
      stats: { native: ctx.stats.native - before.native, islands: ctx.stats.islands - before.islands },
      tiers: { typed, exact: all.length - typed, forms: info.forms, fallbacks },
    };
  } catch (e) {
    ctx.stats = { ...before };
    ctx.comments = [];
    const r = translateBlock(file, ctx);
    return { ...r, tiers: { typed: 0, exact: all.length, forms: {}, fallbacks: { 'typed walk failed (internal error)': all.length } } };
  } finally {
    ctx.comments = [];
  }
}

/** Statements per tier of an exact-tier block (everything exact). */
export function exactTiers(file: A.File): TierStats {
  return { typed: 0, exact: simpleStmts(file).length, forms: {}, fallbacks: {} };
}

