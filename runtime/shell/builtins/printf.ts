/** `printf [-v var] format args…`: %s %b %q %d %i %u %o %x %X %c %f %e %g %%, flags, widths, reuse. */
import type { Shell } from '../shell.js';
import { echoEscapes } from './echo.js';
import { shellQuote } from '../expand.js';

function fmtEscapes(s: string): string {
  // format string escapes: like echo -e, but \c is not special and octal is \NNN
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && /[0-7]/.test(s[i + 1] ?? '')) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))!;
      out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
      i += m[0].length;
      continue;
    }
    if (c === '\\' && s[i + 1] === '"') { out += '"'; i++; continue; }
    if (c === '\\' && i + 1 < s.length) {
      const r = echoEscapes(s.slice(i, i + 2) + (s[i + 1] === 'x' || s[i + 1] === 'u' || s[i + 1] === 'U' ? s.slice(i + 2, i + 10) : ''));
      if (s[i + 1] === 'x' || s[i + 1] === 'u' || s[i + 1] === 'U') {
        const m = (s[i + 1] === 'x' ? /^[0-9a-fA-F]{1,2}/ : s[i + 1] === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(s.slice(i + 2));
        if (m) {
          out += s[i + 1] === 'x' ? String.fromCharCode(parseInt(m[0], 16)) : String.fromCodePoint(parseInt(m[0], 16));
          i += 1 + m[0].length;
          continue;
        }
      }
      out += r.text;
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

function toInt(sh: Shell, a: string, bad: { v: boolean }): bigint {
  const t = a.trim();
  if (t === '') return 0n;
  if (/^['"]/.test(t)) return BigInt(t.codePointAt(1) ?? 0);
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(t);
  if (!m) {
    sh.error(`printf: ${a}: invalid number`);
    bad.v = true;
    return 0n;
  }
  if (m[0] !== t) {
    sh.error(`printf: ${a}: invalid number`);
    bad.v = true;
  }
  const n = m[2]!;
  const v = /^0[xX]/.test(n) ? BigInt(n) : n.length > 1 && n[0] === '0' ? BigInt('0o' + n.slice(1)) : BigInt(n);
  return m[1] === '-' ? -v : v;
}

function toFloat(sh: Shell, a: string, bad: { v: boolean }): number {
  const t = a.trim();
  if (t === '') return 0;
  const v = Number(t);
  if (Number.isNaN(v)) {
    const m = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(t);
    sh.error(`printf: ${a}: invalid number`);
    bad.v = true;
    return m ? Number(m[0]) : 0;
  }
  return v;
}

function pad(s: string, flags: string, width: number | null): string {
  if (width === null || s.length >= width) return s;
  if (flags.includes('-')) return s + ' '.repeat(width - s.length);
  if (flags.includes('0') && /^[+-]?\d/.test(s) && !/[a-zA-Z]/.test(s.replace(/e[+-]/, ''))) {
    const sign = /^[+-]/.test(s) ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + '0'.repeat(width - s.length) + body;
  }
  return ' '.repeat(width - s.length) + s;
}

function cFloat(v: number, conv: string, prec: number | null, flags: string): string {
  const p = prec ?? 6;
  let s: string;
  switch (conv) {
    case 'f': case 'F': s = v.toFixed(p); break;
    case 'e': case 'E': {
      s = v.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
      if (conv === 'E') s = s.toUpperCase();
      break;
    }
    default: {
      const P = p === 0 ? 1 : p;
      if (v === 0) { s = '0'; break; }
      const exp = Math.floor(Math.log10(Math.abs(v)));
      if (exp < -4 || exp >= P) {
        s = v.toExponential(P - 1);
        if (!flags.includes('#')) s = s.replace(/\.?0+e/, 'e');
        s = s.replace(/e([+-])(\d)$/, 'e$10$2');
      } else {
        s = v.toFixed(Math.max(0, P - 1 - exp));
        if (!flags.includes('#') && s.includes('.')) s = s.replace(/\.?0+$/, '');
      }
      if (conv === 'G') s = s.toUpperCase();
    }
  }
  if (flags.includes('+') && v >= 0) s = '+' + s;
  else if (flags.includes(' ') && v >= 0) s = ' ' + s;
  return s;
}

export function printf(sh: Shell, args: string[]): number {
  let target: string | null = null;
  if (args[0] === '-v') {
    target = args[1] ?? null;
    args = args.slice(2);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    sh.error('printf: usage: printf [-v var] format [arguments]');
    return 2;
  }
  const fmt = args[0]!;
  const rest = args.slice(1);
  let ai = 0;
  const bad = { v: false };
  let out = '';
  const next = () => (ai < rest.length ? rest[ai++]! : null);
  let stop = false;
  do {
    const startAi = ai;
    for (let i = 0; i < fmt.length && !stop; i++) {
      const c = fmt[i]!;
      if (c === '\\') {
        let j = i + 1;
        if (/[0-7]/.test(fmt[j] ?? '')) { const m = /^[0-7]{1,3}/.exec(fmt.slice(j))!; j += m[0].length; }
        else if (fmt[j] === 'x') { const m = /^[0-9a-fA-F]{0,2}/.exec(fmt.slice(j + 1))!; j += 1 + m[0].length; }
        else if (fmt[j] === 'u') { const m = /^[0-9a-fA-F]{0,4}/.exec(fmt.slice(j + 1))!; j += 1 + m[0].length; }
        else if (fmt[j] === 'U') { const m = /^[0-9a-fA-F]{0,8}/.exec(fmt.slice(j + 1))!; j += 1 + m[0].length; }
        else j++;
        out += fmtEscapes(fmt.slice(i, j));
        i = j - 1;
        continue;
      }
      if (c !== '%') { out += c; continue; }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXfFeEgGcsbq%])/.exec(fmt.slice(i));
      if (!m) {
        const conv = fmt[i + 1];
        if (conv === undefined) { out += '%'; continue; }
        sh.error(`printf: \`${conv}': invalid format character`);
        sh.write(1, out);
        return 1;
      }
      i += m[0].length - 1;
      const flags = m[1]!;
      let width: number | null = m[2] === '*' ? Number(toInt(sh, next() ?? '0', bad)) : m[2] ? Number(m[2]) : null;
      let fl = flags;
      if (width !== null && width < 0) { fl += '-'; width = -width; }
      const prec: number | null = m[3] === undefined ? null : m[3] === '*' ? Number(toInt(sh, next() ?? '0', bad)) : Number(m[3] || '0');
      const conv = m[4]!;
      if (conv === '%') { out += '%'; continue; }
      const arg = next();
      switch (conv) {
        case 's': {
          let s = arg ?? '';
          if (prec !== null) s = s.slice(0, prec);
          out += pad(s, fl, width);
          break;
        }
        case 'b': {
          const r = echoEscapes((arg ?? '').replace(/\\([1-7][0-7]{0,2})/g, (_x, o: string) => '\\0' + o));
          let s = r.text;
          if (prec !== null) s = s.slice(0, prec);
          out += pad(s, fl, width);
          if (r.stop) stop = true;
          break;
        }
        case 'q':
          out += pad(arg === null ? "''" : qForm(arg), fl, width);
          break;
        case 'c':
          out += pad((arg ?? '').slice(0, 1), fl, width);
          break;
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
          let v = toInt(sh, arg ?? '', bad);
          if (conv === 'u' || conv === 'o' || conv === 'x' || conv === 'X') v = BigInt.asUintN(64, v);
          let s = conv === 'o' ? v.toString(8) : conv === 'x' ? v.toString(16) : conv === 'X' ? v.toString(16).toUpperCase() : v.toString();
          if (prec !== null) {
            const neg = s.startsWith('-');
            const digits = neg ? s.slice(1) : s;
            s = (neg ? '-' : '') + digits.padStart(prec, '0');
          }
          if (fl.includes('#') && conv === 'o' && !s.startsWith('0')) s = '0' + s;
          if (fl.includes('#') && (conv === 'x' || conv === 'X') && v !== 0n) s = (conv === 'x' ? '0x' : '0X') + s;
          if ((conv === 'd' || conv === 'i') && v >= 0n) {
            if (fl.includes('+')) s = '+' + s;
            else if (fl.includes(' ')) s = ' ' + s;
          }
          out += pad(s, prec !== null ? fl.replace('0', '') : fl, width);
          break;
        }
        default: {
          const v = toFloat(sh, arg ?? '', bad);
          out += pad(cFloat(v, conv, prec, fl), fl, width);
        }
      }
    }
    if (ai === startAi) break;
  } while (ai < rest.length && !stop);
  if (target !== null) {
    const m = /^([^[]+)\[(.*)\]$/.exec(target);
    if (m) sh.setVar(m[1]!, out, { index: m[2]! });
    else sh.setVar(target, out);
  } else sh.write(1, out);
  return bad.v ? 1 : 0;
}

/** `%q`: bash's printf quoting (backslashes for specials, $'…' for control characters). */
export function qForm(s: string): string {
  if (s === '') return "''";
  if (/[\x00-\x1f\x7f]/.test(s)) return shellQuote(s).startsWith('$') ? shellQuote(s) : "$'" + s.replace(/[\\']/g, '\\$&') + "'";
  return s.replace(/[^A-Za-z0-9_.\/,:+@%=\-\u0080-\uffff]/g, '\\$&');
}
