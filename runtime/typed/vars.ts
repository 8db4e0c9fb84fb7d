/**
 * Typed reads of shell variables: `v.PLAN_FILE` is a {@link Ref} to `"$PLAN_FILE"`. A Ref is
 * the exact tier's word part (`dq(param("PLAN_FILE"))`), so a `$` template, `wf.append` or an
 * assignment that receives it expands it at the statement's own moment with bash's rules
 * (`set -u`, arrays read as element 0, specials); read as a string (`${v.X}` in a template
 * literal, `v.X.value`) it is expanded right there, by the same rule.
 */
import type { Shell } from '../shell/shell.js';
import { dq, param, type Part } from '../shell/words.js';
import { ExitSignal } from '../shell/signals.js';

/** `"$NAME"`: a word part for the exact machinery, and a string when read as one. */
export interface Ref {
  readonly t: 'dq';
  readonly parts: readonly Part[];
  /** The variable's name. */
  readonly ref: string;
  /** The value now, as `"$NAME"` expands (an unset variable under `set -u` ends the shell as in bash). */
  readonly value: string;
  toString(): string;
}

/** Text the typed tier accepts where bash has a word: a literal or a variable reference. */
export type Text = string | Ref;

/** The value of `"$name"` on `sh` now (bash's rule for a plain quoted parameter). */
export function readVar(sh: Shell, name: string): string {
  const v = sh.getVar(name);
  if (v !== undefined) return v;
  if (sh.opts.nounset) {
    sh.error(`${name}: unbound variable`);
    throw new ExitSignal(127);
  }
  return '';
}

/** A Ref to `"$name"` on `sh`. */
export function ref(sh: Shell, name: string): Ref {
  const part = dq(param(name)) as { t: 'dq'; parts: readonly Part[] };
  return Object.freeze({
    t: 'dq' as const,
    parts: part.parts,
    ref: name,
    get value() {
      return readVar(sh, name);
    },
    toString() {
      return readVar(sh, name);
    },
  });
}

/** Any variable of the shell by name, as a Ref (`v.PLAN_FILE`). */
export type Vars = Readonly<Record<string, Ref>>;

/** The `v` of a block: property access gives a {@link Ref}. */
export function vars(sh: Shell): Vars {
  return new Proxy(Object.create(null) as Record<string, Ref>, {
    get: (_t, name) => (typeof name === 'string' ? ref(sh, name) : undefined),
  });
}

/** True for a Ref (as opposed to a literal string). */
export function isRef(x: unknown): x is Ref {
  return typeof x === 'object' && x !== null && typeof (x as Ref).ref === 'string' && (x as Ref).t === 'dq';
}
