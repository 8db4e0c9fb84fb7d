/** `mapfile` / `readarray [-t] [-d delim] [-n count] [-s skip] [-u fd] [array]` */
import type { Shell } from '../shell.js';
import { decode } from '../../lang/bytes.js';

export async function mapfile(sh: Shell, args: string[], name: string): Promise<number> {
  let strip = false;
  let delim = 10;
  let count = 0;
  let skip = 0;
  let fd = 0;
  let origin: number | null = null;
  let arr = 'MAPFILE';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-t') strip = true;
    else if (a === '-d') { const d = args[++i] ?? ''; delim = d === '' ? 0 : Buffer.from(d)[0]!; }
    else if (a === '-n') count = Number(args[++i]);
    else if (a === '-s') skip = Number(args[++i]);
    else if (a === '-u') fd = Number(args[++i]);
    else if (a === '-O') origin = Number(args[++i]);
    else if (a === '-C' || a === '-c') i++;
    else if (a.startsWith('-')) {
      sh.error(`${name}: ${a}: invalid option`);
      return 2;
    } else arr = a;
  }
  const reader = sh.reader(fd);
  if (!reader) return 1;
  const lines: string[] = [];
  let n = 0;
  for (;;) {
    if (count && lines.length >= count) break;
    const r = await reader.readUntil(delim);
    if (r === null) break;
    if (n++ < skip) continue;
    let s = decode(r.data);
    if (r.found && !strip) s += String.fromCharCode(delim);
    lines.push(s);
  }
  if (origin === null) sh.setArray(arr, lines);
  else {
    const v = sh.vars.ensure(arr);
    const a = Array.isArray(v.value) ? v.value : [];
    lines.forEach((l, k) => { a[origin! + k] = l; });
    v.value = a;
  }
  return 0;
}
