/**
 * strftime(3) for `printf '%(fmt)T'`: C-locale names and formats, the time zone from the shell's
 * `TZ` (an IANA name such as `UTC` or `Asia/Tokyo`; the system zone when unset or unknown).
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Fields {
  y: number; mo: number; d: number; h: number; mi: number; s: number; wd: number;
  /** Offset from UTC in minutes, and the zone's abbreviation. */
  off: number; zone: string;
}

function fields(epoch: number, tz: string | undefined): Fields {
  const date = new Date(epoch * 1000);
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz === undefined || tz === '' ? undefined : tz === 'UTC0' || tz === 'GMT0' ? 'UTC' : tz,
      hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
      second: 'numeric', weekday: 'short', timeZoneName: 'short',
    });
  } catch {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: 'UTC', hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric',
      minute: 'numeric', second: 'numeric', weekday: 'short', timeZoneName: 'short',
    });
  }
  const p: Record<string, string> = {};
  for (const x of fmt.formatToParts(date)) p[x.type] = x.value;
  const f = {
    y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, mi: Number(p.minute),
    s: Number(p.second), wd: DAYS.findIndex((n) => n.startsWith(p.weekday ?? '')), off: 0, zone: p.timeZoneName ?? 'UTC',
  };
  f.off = Math.round((Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s) / 1000 - epoch) / 60);
  if (/^GMT$|^UTC$/.test(f.zone) && f.off === 0) f.zone = tz && /^GMT/.test(tz) ? 'GMT' : 'UTC';
  return f;
}

const p2 = (n: number) => String(n).padStart(2, '0');

function yday(f: Fields): number {
  return Math.round((Date.UTC(f.y, f.mo - 1, f.d) - Date.UTC(f.y, 0, 1)) / 86400000) + 1;
}

/** Format `epoch` (seconds) with a strftime format. */
export function strftime(format: string, epoch: number, tz?: string): string {
  const f = fields(epoch, tz);
  const one = (c: string): string => {
    switch (c) {
      case 'a': return DAYS[f.wd]!.slice(0, 3);
      case 'A': return DAYS[f.wd]!;
      case 'b': case 'h': return MONTHS[f.mo - 1]!.slice(0, 3);
      case 'B': return MONTHS[f.mo - 1]!;
      case 'c': return `${one('a')} ${one('b')} ${one('e')} ${one('T')} ${f.y}`;
      case 'C': return p2(Math.floor(f.y / 100));
      case 'd': return p2(f.d);
      case 'D': case 'x': return `${p2(f.mo)}/${p2(f.d)}/${p2(f.y % 100)}`;
      case 'e': return String(f.d).padStart(2, ' ');
      case 'F': return `${f.y}-${p2(f.mo)}-${p2(f.d)}`;
      case 'H': return p2(f.h);
      case 'I': return p2(f.h % 12 || 12);
      case 'j': return String(yday(f)).padStart(3, '0');
      case 'k': return String(f.h).padStart(2, ' ');
      case 'l': return String(f.h % 12 || 12).padStart(2, ' ');
      case 'm': return p2(f.mo);
      case 'M': return p2(f.mi);
      case 'n': return '\n';
      case 'p': return f.h < 12 ? 'AM' : 'PM';
      case 'P': return f.h < 12 ? 'am' : 'pm';
      case 'r': return `${one('I')}:${p2(f.mi)}:${p2(f.s)} ${one('p')}`;
      case 'R': return `${p2(f.h)}:${p2(f.mi)}`;
      case 's': return String(epoch);
      case 'S': return p2(f.s);
      case 't': return '\t';
      case 'T': case 'X': return `${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}`;
      case 'u': return String(f.wd || 7);
      case 'w': return String(f.wd);
      case 'y': return p2(f.y % 100);
      case 'Y': return String(f.y);
      case 'z': {
        const a = Math.abs(f.off);
        return `${f.off < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
      }
      case 'Z': return f.zone;
      case 'U': return p2(Math.floor((yday(f) - 1 + 7 - f.wd) / 7));
      case 'W': return p2(Math.floor((yday(f) - 1 + 7 - ((f.wd + 6) % 7)) / 7));
      case '%': return '%';
      default: return '%' + c;
    }
  };
  return format.replace(/%([A-Za-z%])/g, (_m, c: string) => one(c));
}
