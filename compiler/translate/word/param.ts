/** `$x` / `${…}` → `param(...)`, `len(...)`, `slice(...)`, `repl(...)`, `keys(...)`, `indirect(...)`. */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { NeedIsland, q } from '../common.js';
import { parts } from './index.js';
import { arithWord } from './arith.js';

function indexText(p: A.ParamExp): string {
  if (!p.index) return '';
  const ix = p.index;
  if (ix.kind === 'Word' && ix.parts.some((x) => x.kind === 'CmdSubst' || x.kind === 'ProcSubst')) {
    throw new NeedIsland('command substitution in an array index', p);
  }
  return `[${ix.src}]`;
}

const PATTERN_OPS = new Set(['#', '##', '%', '%%', '^', '^^', ',', ',,']);

export function paramExp(p: A.ParamExp, ctx: Context): string {
  if (p.width) throw new NeedIsland('${%x}', p);
  const name = p.param + indexText(p);
  if (p.excl) {
    if (p.names) throw new NeedIsland('${!prefix*}', p);
    if (p.index && /^\[[@*]\]$/.test(indexText(p))) return `${ctx.use('keys')}(${q(p.param)})`;
    if (p.length || p.slice || p.repl || p.exp) throw new NeedIsland('indirect expansion with an operator', p);
    return `${ctx.use('indirect')}(${q(name)})`;
  }
  if (p.length) return `${ctx.use('len')}(${q(name)})`;
  if (p.slice) {
    const off = arithWord(p.slice.offset, ctx);
    const len = p.slice.length ? `, ${arithWord(p.slice.length, ctx)}` : '';
    return `${ctx.use('slice')}(${q(name)}, ${off}${len})`;
  }
  if (p.repl) {
    const mode = (p.repl.all ? '//' : '/') + (p.repl.anchor ?? '');
    const mode2 = p.repl.anchor ? '/' + p.repl.anchor : mode;
    const pat = parts(p.repl.orig.parts, ctx, 'pattern');
    const patW = pat.length === 1 ? pat[0]! : `${ctx.use('w')}(${pat.join(', ')})`;
    let rep = '';
    if (p.repl.with) {
      const r = parts(p.repl.with.parts, ctx, 'str');
      rep = ', ' + (r.length === 1 ? r[0]! : r.length === 0 ? '""' : `${ctx.use('w')}(${r.join(', ')})`);
    }
    return `${ctx.use('repl')}(${q(name)}, ${q(mode2)}, ${patW}${rep})`;
  }
  if (p.exp) {
    const mode = PATTERN_OPS.has(p.exp.op) ? 'pattern' : 'str';
    const arg = p.exp.word ? parts(p.exp.word.parts, ctx, mode) : [];
    return `${ctx.use('param')}(${[q(name), q(p.exp.op), ...arg].join(', ')})`;
  }
  return `${ctx.use('param')}(${q(name)})`;
}
