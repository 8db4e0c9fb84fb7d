/** `read [-r] [-a arr] [-d delim] [-n N] [-N N] [-u fd] [-p prompt] [-s] [-t t] [names…]` */
import type { Shell } from '../shell.js';
import { decode } from '../../lang/bytes.js';

export async function read(sh: Shell, args: string[]): Promise<number> {
  let raw = false;
  let arrayName: string | null = null;
  let delim: number | null = 10;
  let nchars: number | null = null;
  let exact = false;
  let fd = 0;
  let timeout: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (names.length || !a.startsWith('-') || a === '-') { names.push(a); continue; }
    if (a === '--') { names.push(...args.slice(i + 1)); break; }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const val = () => {
        const rest = a.slice(j + 1);
        j = a.length;
        return rest !== '' ? rest : args[++i] ?? '';
      };
      switch (c) {
        case 'r': raw = true; break;
        case 's': break;
        case 'e': break;
        case 'a': arrayName = val(); break;
        case 'd': { const d = val(); delim = d === '' ? 0 : Buffer.from(d)[0]!; break; }
        case 'n': nchars = Number(val()); break;
        case 'N': nchars = Number(val()); exact = true; break;
        case 'u': fd = Number(val()); break;
        case 'p': val(); break;
        case 't': timeout = val(); break;
        case 'i': val(); break;
        default:
          sh.error(`read: -${c}: invalid option`);
          sh.err('read: usage: read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]\n');
          return 2;
      }
    }
  }
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\[[\s\S]*\])?$/.test(n)) {
      sh.error(`read: \`${n}': not a valid identifier`);
      return 1;
    }
  }
  if (timeout !== null && !/^(\d+\.?\d*|\.\d+)$/.test(timeout)) {
    sh.error(`read: ${timeout}: invalid timeout specification`);
    return 1;
  }
  const reader = sh.reader(fd);
  if (!reader) {
    sh.error(`read: ${fd}: invalid file descriptor: Bad file descriptor`);
    return 1;
  }
  // `-t 0`: only whether input is there to read (a file, a here-document, end of file: it is)
  if (timeout !== null && Number(timeout) === 0) return 0;
  // read the record
  let text: string;
  let ok: boolean;
  if (nchars !== null) {
    const chunks: Buffer[] = [];
    let count = 0;
    ok = true;
    for (;;) {
      if (count >= nchars) break;
      let b = await reader.readN(1);
      if (!b.length) { ok = false; break; }
      if (!exact && b[0] === delim) break;
      if (!raw && b[0] === 0x5c) {
        // a backslash and the character it quotes count as one (backslash-newline as none)
        const next = await reader.readN(1);
        if (next.length && next[0] === 10) continue;
        b = Buffer.concat([b, next]);
        if (!next.length) { chunks.push(b); ok = false; break; }
      }
      chunks.push(b);
      // -n/-N count characters: the rest of a UTF-8 sequence comes with its first byte
      const lead = b[b.length - 1]!;
      const more = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
      if (more) chunks.push(await reader.readN(more));
      count++;
    }
    text = decode(Buffer.concat(chunks));
  } else {
    const parts: string[] = [];
    ok = false;
    for (;;) {
      const r = await reader.readUntil(delim);
      if (r === null) break;
      let s = decode(r.data);
      if (!raw && r.found && delim === 10 && /(^|[^\\])(\\\\)*\\$/.test(s)) {
        // backslash-newline: line continuation
        parts.push(s.slice(0, -1));
        continue;
      }
      parts.push(s);
      ok = r.found;
      s = '';
      break;
    }
    text = parts.join('');
    if (parts.length === 0) {
      // EOF with nothing read: variables are still set to empty
      text = '';
    }
  }
  // backslash processing
  const chars: { c: string; esc: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!raw && c === '\\' && i + 1 < text.length) {
      chars.push({ c: text[++i]!, esc: true });
    } else if (!raw && c === '\\') {
      // trailing lone backslash is dropped
    } else chars.push({ c, esc: false });
  }
  const ifs = sh.ifs();
  const isIfs = (x: { c: string; esc: boolean }) => !x.esc && ifs.includes(x.c);
  const isWhite = (x: { c: string; esc: boolean }) => isIfs(x) && (x.c === ' ' || x.c === '\t' || x.c === '\n');
  const str = (xs: { c: string }[]) => xs.map((x) => x.c).join('');

  if (arrayName === null && names.length === 0) {
    sh.setVar('REPLY', str(chars));
    return ok ? 0 : 1;
  }
  if (exact && arrayName === null) {
    // `-N`: no field splitting, the first name takes every character read
    names.forEach((n, k) => sh.setRef(n, k === 0 ? str(chars) : '', 'read'));
    return ok ? 0 : 1;
  }
  // split into fields
  let i = 0;
  const skipWhite = () => { while (i < chars.length && isWhite(chars[i]!)) i++; };
  const fields: string[] = [];
  const want = arrayName !== null ? Infinity : names.length;
  skipWhite();
  while (i < chars.length) {
    if (fields.length === want - 1) {
      // the last name takes the rest, minus trailing IFS whitespace, and minus one trailing
      // IFS delimiter when that is the only one left ("b:" → "b", "b::" stays)
      let end = chars.length;
      while (end > i && isWhite(chars[end - 1]!)) end--;
      if (end > i && isIfs(chars[end - 1]!) && !chars.slice(i, end - 1).some(isIfs)) {
        end--;
        while (end > i && isWhite(chars[end - 1]!)) end--;
      }
      fields.push(str(chars.slice(i, end)));
      i = chars.length;
      break;
    }
    const start = i;
    while (i < chars.length && !isIfs(chars[i]!)) i++;
    fields.push(str(chars.slice(start, i)));
    // consume the delimiter: whitespace*, optionally one non-white IFS char, whitespace*
    skipWhite();
    if (i < chars.length && isIfs(chars[i]!) && !isWhite(chars[i]!)) {
      i++;
      skipWhite();
    }
  }
  if (arrayName !== null) {
    sh.setArray(arrayName, fields);
  } else {
    names.forEach((n, k) => sh.setRef(n, fields[k] ?? '', 'read'));
  }
  return ok ? 0 : 1;
}
