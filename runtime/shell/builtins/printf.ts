/**
 * `printf [-v var] format args…` as bash's builtin: conversions %s %b %q %c %d %i %u %o %x %X
 * %f %F %e %E %g %G %(fmt)T %%, flags `-+ #0`, widths and precisions (`*` from the arguments),
 * length modifiers skipped, the format reused while arguments remain, bash's number parsing
 * (0x / 0 prefixes, `'c` character codes, "invalid number" with the parsed prefix kept) and its
 * messages. Widths and precisions of %s %b %c count bytes, as C's printf does; floats are
 * printed from the exact binary value with round-half-even, as glibc does.
 */
import type { Shell } from '../shell.js';
import { echoEscapes } from './echo.js';
import { reusableQuote } from '../../lang/quote.js';
import { byte, decode, encode, normalize } from '../../lang/bytes.js';
import { strftime } from '../strftime.js';

/** Escapes of the format string itself (`\n`, `\NNN` octal, `\xHH`, `\uHHHH`; `\c` is literal). */
function formatEscape(s: string, i: number): { text: string; next: number } {
  const d = s[i + 1];
  if (d === undefined) return { text: '\\', next: i + 1 };
  const simple: Record<string, string> = {
    a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', '?': '?', "'": "'",
  };
  if (simple[d] !== undefined) return { text: simple[d]!, next: i + 2 };
  if (/[0-7]/.test(d)) {
    const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))!;
    return { text: byte(parseInt(m[0], 8)), next: i + 1 + m[0].length };
  }
  if (d === 'x' || d === 'u' || d === 'U') {
    const m = (d === 'x' ? /^[0-9a-fA-F]{1,2}/ : d === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(s.slice(i + 2));
    if (!m) return { text: '\\' + d, next: i + 2 };
    const n = parseInt(m[0], 16);
    const text = d === 'x' ? byte(n) : n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) ? '\ufffd' : String.fromCodePoint(n);
    return { text, next: i + 2 + m[0].length };
  }
  return { text: '\\' + d, next: i + 2 };
}

/** `%b`: echo -e escapes, where octal may also be written `\NNN` without the leading 0. */
function bEscapes(s: string): { text: string; stop: boolean } {
  return echoEscapes(s.replace(/\\([1-7][0-7]{0,2})/g, (_x, o: string) => '\\0' + o));
}

// ---------------------------------------------------------------------------------------------
// Numbers

interface Bad {
  v: boolean;
}

const INT_MAX = (1n << 63n) - 1n;
const INT_MIN = -(1n << 63n);

/** bash's strtoimax-based argument parsing for the integer conversions. */
function toInt(sh: Shell, a: string, bad: Bad, unsigned: boolean): bigint {
  if (a === '') return 0n;
  if (a[0] === "'" || a[0] === '"') return a.length > 1 ? BigInt(normalize(a.slice(1)).codePointAt(0)!) : 0n;
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)?/.exec(a)!;
  const digits = m[2];
  let v = 0n;
  let kind = 'number';
  if (digits !== undefined) {
    if (/^0[xX]/.test(digits)) {
      kind = 'hex number';
      v = digits.length > 2 ? BigInt(digits) : 0n;
    } else if (digits.length > 1 && digits[0] === '0') {
      kind = 'octal number';
      v = BigInt('0o' + digits.slice(1));
    } else v = BigInt(digits);
    if (m[1] === '-') v = -v;
  }
  const rest = a.slice(m[0].length);
  if (digits === undefined || rest !== '' || (kind === 'hex number' && digits.length === 2)) {
    sh.error(`printf: ${a}: invalid ${rest !== '' && digits !== undefined && kind === 'number' ? 'number' : kind}`);
    bad.v = true;
    return v;
  }
  if (unsigned ? v > (1n << 64n) - 1n || v < INT_MIN : v > INT_MAX || v < INT_MIN) {
    sh.error(`printf: warning: ${a}: Numerical result out of range`);
    return unsigned ? (v < 0n ? INT_MIN : (1n << 64n) - 1n) : v < 0n ? INT_MIN : INT_MAX;
  }
  return v;
}

/** strtold-like parsing for the float conversions. */
function toFloat(sh: Shell, a: string, bad: Bad): number {
  if (a === '') return 0;
  if (a[0] === "'" || a[0] === '"') return a.length > 1 ? normalize(a.slice(1)).codePointAt(0)! : 0;
  const m = /^[ \t\n\v\f\r]*([+-]?)(inf(?:inity)?|nan|0[xX][0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)?/i.exec(a)!;
  let v = 0;
  const body = m[2];
  if (body !== undefined) {
    const l = body.toLowerCase();
    v = l.startsWith('inf') ? Infinity : l === 'nan' ? NaN : /^0x/.test(l) ? hexFloat(l) : Number(body);
    if (m[1] === '-') v = -v;
  }
  if (body === undefined || m[0].length !== a.length) {
    sh.error(`printf: ${a}: invalid number`);
    bad.v = true;
  }
  return v;
}

function hexFloat(l: string): number {
  const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(l)!;
  const int = parseInt(m[1] || '0', 16);
  const frac = m[2] ? parseInt(m[2], 16) / 16 ** m[2].length : 0;
  return (int + frac) * 2 ** Number(m[3] ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Float formatting from the exact binary value

/** |v| = mant · 2^exp exactly (v finite). */
function decompose(v: number): { mant: bigint; exp: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, Math.abs(v));
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0) return { mant, exp: -1074 };
  mant |= 1n << 52n;
  return { mant, exp: e - 1075 };
}

/** round(|v| · 10^scale) with ties to even. */
function scaled(v: number, scale: number): bigint {
  const { mant, exp } = decompose(v);
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && q % 2n === 1n) ? q + 1n : q;
}

function fixedDigits(v: number, prec: number, alt: boolean): string {
  const q = scaled(v, prec).toString().padStart(prec + 1, '0');
  const int = q.slice(0, q.length - prec);
  const frac = q.slice(q.length - prec);
  return prec > 0 ? `${int}.${frac}` : alt ? `${int}.` : int;
}

/** Mantissa digits (prec+1 of them) and decimal exponent of |v| rounded to prec+1 digits. */
function expParts(v: number, prec: number): { digits: string; e10: number } {
  if (v === 0) return { digits: '0'.repeat(prec + 1), e10: 0 };
  let e10 = Math.floor(Math.log10(Math.abs(v)));
  for (let k = 0; k < 4; k++) {
    const q = scaled(v, prec - e10);
    const s = q.toString();
    if (s.length > prec + 1) { e10++; continue; }
    if (s.length < prec + 1) { e10--; continue; }
    return { digits: s, e10 };
  }
  const s = scaled(v, prec - e10).toString();
  return { digits: s.slice(0, prec + 1), e10 };
}

function expForm(digits: string, e10: number, alt: boolean, upper: boolean): string {
  const m = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = `${upper ? 'E' : 'e'}${e10 < 0 ? '-' : '+'}${String(Math.abs(e10)).padStart(2, '0')}`;
  return m + e;
}

function cFloat(v: number, conv: string, prec: number | null, flags: string): string {
  const upper = conv === conv.toUpperCase();
  const neg = v < 0 || Object.is(v, -0);
  let s: string;
  if (!Number.isFinite(v)) {
    s = Number.isNaN(v) ? 'nan' : 'inf';
    if (upper) s = s.toUpperCase();
  } else {
    const alt = flags.includes('#');
    switch (conv) {
      case 'f': case 'F': s = fixedDigits(v, prec ?? 6, alt); break;
      case 'e': case 'E': {
        const p = prec ?? 6;
        const { digits, e10 } = expParts(v, p);
        s = expForm(digits, e10, alt, upper);
        break;
      }
      default: {
        const P = prec === null ? 6 : prec === 0 ? 1 : prec;
        const { digits, e10 } = expParts(v, P - 1);
        if (e10 < -4 || e10 >= P) {
          let d = digits;
          if (!alt) d = d.replace(/0+$/, '') || '0';
          s = expForm(d, e10, alt, upper);
        } else {
          s = fixedDigits(v, P - 1 - e10, alt);
          if (!alt && s.includes('.')) s = s.replace(/\.?0+$/, '');
        }
      }
    }
  }
  if (neg && !Number.isNaN(v)) s = '-' + s;
  else if (flags.includes('+')) s = '+' + s;
  else if (flags.includes(' ')) s = ' ' + s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Padding (in bytes, as C's printf)

function padBytes(s: string, flags: string, width: number | null, zeroOk: boolean): string {
  if (width === null) return s;
  const len = encode(s).length;
  if (len >= width) return s;
  const n = width - len;
  if (flags.includes('-')) return s + ' '.repeat(n);
  if (zeroOk && flags.includes('0')) {
    const m = /^([+ -]|0[xX])?/.exec(s)!;
    return m[0] + '0'.repeat(n) + s.slice(m[0].length);
  }
  return ' '.repeat(n) + s;
}

/** The first `n` bytes of `s` (a precision on %s / %b). */
function truncBytes(s: string, n: number | null): string {
  if (n === null) return s;
  const b = encode(s);
  return b.length <= n ? s : decode(b.subarray(0, n));
}

// ---------------------------------------------------------------------------------------------

const CONV = /^%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|L|j|z|t)?(\([^)]*\)T|.)?/s;

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
  if (target !== null && !/^[A-Za-z_][A-Za-z0-9_]*(\[.*\])?$/s.test(target)) {
    sh.error(`printf: \`${target}': not a valid identifier`);
    return 2;
  }
  const fmt = args[0]!;
  const rest = args.slice(1);
  let ai = 0;
  const bad: Bad = { v: false };
  let out = '';
  const next = () => (ai < rest.length ? rest[ai++]! : null);
  let stop = false;
  let failed = false;
  const finish = (status: number): number => {
    if (target !== null) {
      if (!sh.setRef(target, normalize(out), 'printf')) return 1;
    } else if (out !== '' && !sh.write(1, out)) {
      sh.error('printf: write error: Bad file descriptor');
      return 1;
    }
    return status;
  };
  do {
    const startAi = ai;
    for (let i = 0; i < fmt.length && !stop; i++) {
      const c = fmt[i]!;
      if (c === '\\') {
        const e = formatEscape(fmt, i);
        out += e.text;
        i = e.next - 1;
        continue;
      }
      if (c !== '%') {
        out += c;
        continue;
      }
      if (fmt[i + 1] === '%') {
        out += '%';
        i++;
        continue;
      }
      const m = CONV.exec(fmt.slice(i))!;
      const conv = m[5];
      if (conv === undefined) {
        sh.error('printf: `%\': missing format character');
        failed = true;
        stop = true;
        break;
      }
      if (!/^(\(.*\)T|[diouxXfFeEgGcsbqQ])$/s.test(conv)) {
        sh.error(`printf: \`${conv}': invalid format character`);
        return finish(1);
      }
      i += m[0].length - 1;
      let fl = m[1]!;
      let width: number | null = m[2] === '*' ? Number(toInt(sh, next() ?? '', bad, false)) : m[2] ? Number(m[2]) : null;
      if (width !== null && width < 0) {
        fl += '-';
        width = -width;
      }
      let prec: number | null = m[3] === undefined ? null : m[3] === '*' ? Number(toInt(sh, next() ?? '', bad, false)) : Number(m[3] || '0');
      if (prec !== null && prec < 0) prec = null;
      const arg = next();
      if (conv.endsWith('T') && conv.startsWith('(')) {
        const a = arg === null || arg.trim() === '' ? -1n : toInt(sh, arg, bad, false);
        const when = a === -1n ? Date.now() / 1000 : a === -2n ? sh.startTime / 1000 : Number(a);
        out += padBytes(strftime(conv.slice(1, -2) || '%X', Math.floor(when), sh.getVar('TZ')), fl, width, false);
        continue;
      }
      switch (conv) {
        case 's':
          out += padBytes(truncBytes(arg ?? '', prec), fl, width, false);
          break;
        case 'b': {
          const r = bEscapes(arg ?? '');
          out += padBytes(truncBytes(r.text, prec), fl, width, false);
          if (r.stop) stop = true;
          break;
        }
        case 'q':
          // the precision cuts the quoted text; for %Q it cuts the argument before quoting
          out += padBytes(truncBytes(arg === null ? "''" : qForm(arg), prec), fl, width, false);
          break;
        case 'Q':
          out += padBytes(arg === null ? "''" : qForm(truncBytes(arg, prec)), fl, width, false);
          break;
        case 'c': {
          // the first byte of the argument (a NUL byte when it is empty)
          const b = encode(arg ?? '');
          out += padBytes(b.length ? byte(b[0]!) : '\0', fl, width, false);
          break;
        }
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
          const unsigned = conv !== 'd' && conv !== 'i';
          let v = toInt(sh, arg ?? '', bad, unsigned);
          if (unsigned) v = BigInt.asUintN(64, v);
          let s = conv === 'o' ? v.toString(8) : conv === 'x' ? v.toString(16) : conv === 'X' ? v.toString(16).toUpperCase() : v.toString();
          const neg = s.startsWith('-');
          if (neg) s = s.slice(1);
          if (prec !== null) s = prec === 0 && v === 0n ? '' : s.padStart(prec, '0');
          if (fl.includes('#') && conv === 'o' && !s.startsWith('0')) s = '0' + s;
          if (fl.includes('#') && (conv === 'x' || conv === 'X') && v !== 0n) s = (conv === 'x' ? '0x' : '0X') + s;
          if (neg) s = '-' + s;
          else if (!unsigned && fl.includes('+')) s = '+' + s;
          else if (!unsigned && fl.includes(' ')) s = ' ' + s;
          out += padBytes(s, fl, width, prec === null);
          break;
        }
        default: {
          const v = toFloat(sh, arg ?? '', bad);
          out += padBytes(cFloat(v, conv, prec, fl), fl, width, Number.isFinite(v));
        }
      }
    }
    if (ai === startAi) break;
  } while (ai < rest.length && !stop);
  return finish(bad.v || failed ? 1 : 0);
}

/** `%q`: bash's printf quoting (backslashes for specials, $'…' for non-printable characters). */
export function qForm(s: string): string {
  if (s === '') return "''";
  const q = reusableQuote(s);
  if (q.startsWith("$'")) return q;
  return s.replace(/[^A-Za-z0-9_./,:+@%=\-\u0080-\uffff]/g, '\\$&');
}
