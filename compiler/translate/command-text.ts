/**
 * The text bash shows in `$BASH_COMMAND` for a simple command (bash 5.2's print_cmd.c, as far
 * as simple commands go): assignments and words as written, one space apart; redirections in
 * bash's canonical form (`>f` → `> f`, `>&2` → `1>&2`, `<&3` → `0<&3`, heredoc bodies after a
 * newline); command substitutions `$(…)` re-printed (`$(echo   hi)` → `$(echo hi)`); array
 * values re-printed (`a=( 1  2 )` → `a=(1 2)`). The runtime gets it with the statement's line
 * (`sh.at(43, "X=$(f)")`) whenever it differs from the command's expanded words joined by
 * spaces (which the runtime shows otherwise): a library's ERR trap reading `$BASH_COMMAND`
 * must see the command that failed, assignment-only ones included.
 */
import type * as A from '../ast.js';

/** `$BASH_COMMAND` for a simple command, a declaration, `[[ ]]` or `(( ))` statement; null for other statements. */
export function commandText(s: A.Stmt): string | null {
  const c = s.cmd;
  let head: string[];
  if (c === null) head = [];
  else if (c.kind === 'CallExpr') head = [...c.assigns.map(assignText), ...c.args.map(wordText)];
  else if (c.kind === 'DeclClause') head = declText(c);
  else if (c.kind === 'TestClause') head = [`[[ ${collapse(c.src.replace(/^\[\[/, '').replace(/\]\]$/, ''))} ]]`];
  else if (c.kind === 'ArithmCmd') head = [`(( ${collapse(c.src.replace(/^\(\(/, '').replace(/\)\)$/, ''))} ))`];
  else return null;
  return redirected(head, s.redirs);
}

/** Words then redirections, one space apart; heredoc bodies follow on the next lines, as bash prints them. */
function redirected(head: string[], redirs: readonly A.Redirect[]): string {
  const bodies: string[] = [];
  for (const r of redirs) {
    if (r.op !== '<<' && r.op !== '<<-') continue;
    const body = (r.hdoc?.parts ?? []).map((p) => (p.kind === 'Lit' ? p.value : p.src)).join('');
    bodies.push(`${body}${r.word.src.replace(/['"\\]/g, '')}\n`);
  }
  const line = [...head, ...redirs.map(redirText)].join(' ');
  return bodies.length ? `${line}\n${bodies.join('')}` : line;
}

/** True when the runtime's default (the expanded words joined by spaces) already shows `text`. */
export function plainCommand(s: A.Stmt): boolean {
  const c = s.cmd;
  if (!c || c.kind !== 'CallExpr' || c.assigns.length || s.redirs.length) return false;
  return c.args.every((w) => w.parts.length === 1 && w.parts[0]!.kind === 'Lit' && w.src === w.parts[0]!.value && !/[\\*?[\]{}~$'"`]/.test(w.src));
}

/** Whitespace runs outside quotes to one space (for `[[ ]]` and `(( ))`, which bash re-prints). */
function collapse(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      out += ch;
      if (ch === '\\' && quote === '"' && i + 1 < text.length) out += text[++i];
      else if (ch === quote) quote = null;
    } else if (/\s/.test(ch)) {
      if (!out.endsWith(' ')) out += ' ';
    } else {
      if (ch === '"' || ch === "'") quote = ch;
      out += ch;
    }
  }
  return out.trim();
}

function declText(d: A.DeclClause): string[] {
  const items = [...d.assigns.map((a) => ({ pos: a.pos, text: assignText(a) })), ...d.words.map((w) => ({ pos: w.pos, text: wordText(w) }))].sort(
    (x, y) => x.pos.line - y.pos.line || x.pos.col - y.pos.col,
  );
  return [d.variant === 'nameref' ? 'declare' : d.variant, ...d.opts.map(wordText), ...items.map((i) => i.text)];
}

function assignText(a: A.Assign): string {
  if (a.naked) return a.name;
  const target = `${a.name}${a.index ? `[${a.index.src}]` : ''}${a.append ? '+=' : '='}`;
  if (a.array) return `${target}(${a.array.map((e) => collapse(e.src)).join(' ')})`;
  return target + (a.value ? wordText(a.value) : '');
}

/** A word as bash prints it: as written, command substitutions re-printed. */
export function wordText(w: A.Word): string {
  if (!/\$\(/.test(w.src)) return w.src;
  return w.parts.map(partText).join('');
}

function partText(p: A.WordPart): string {
  if (p.kind === 'CmdSubst' && !p.backquotes) return `$(${p.stmts.map(stmtText).join('; ')})`;
  if (p.kind === 'DblQuoted') return `${p.dollar ? '$' : ''}"${p.parts.map(partText).join('')}"`;
  return p.src;
}

/** A statement inside `$(…)`: simple commands, pipelines and lists re-printed; others as written. */
function stmtText(s: A.Stmt): string {
  const c = s.cmd;
  let text: string;
  if (c?.kind === 'BinaryCmd') text = `${stmtText(c.x)} ${c.op} ${stmtText(c.y)}`;
  else text = commandText(s) ?? s.src.trim();
  if (c?.kind === 'BinaryCmd' && s.redirs.length) text = redirected([text], s.redirs);
  return `${s.negated ? '! ' : ''}${text}${s.background ? ' &' : ''}`;
}

const NUMERIC = /^(\d+|-)$/;

function redirText(r: A.Redirect): string {
  const n = r.n;
  const target = wordText(r.word);
  const fd = (dflt: string) => (n !== null && n !== dflt ? n : '');
  switch (r.op) {
    case '>':
    case '>>':
    case '>|':
      return `${fd('1')}${r.op} ${target}`;
    case '<':
    case '<>':
      return `${fd('0')}${r.op} ${target}`;
    case '&>':
    case '&>>':
      return `${r.op} ${target}`;
    case '>&':
      return NUMERIC.test(target) ? `${n ?? '1'}>&${target}` : `${fd('1')}>&${target}`;
    case '<&':
      return NUMERIC.test(target) ? `${n ?? '0'}<&${target}` : `${fd('0')}<&${target}`;
    case '<<<':
      return `${fd('0')}<<< ${target}`;
    case '<<':
    case '<<-':
      return `${fd('0')}${r.op}${r.word.src}`;
  }
}
