/**
 * Workflow ids: `<prefix>_<19-digit epoch ns>_<21-char nanoid>`, e.g.
 * `implement_1765352600123456789_V1StGXR8_Z5jdHi6B-myT`.
 *
 * - prefix: `[A-Za-z][A-Za-z0-9-]*`, at most 64 characters. No `_`: the prefix is everything
 *   before the first `_`, so parsing is unambiguous. (Use `create-plan`, not `create_plan`.)
 * - time: wall-clock nanoseconds since the epoch, zero-padded to 19 digits (good until 2286).
 *   Only sorts/informs; uniqueness comes from the nanoid (126 random bits).
 * - The seed's ids `<prefix>_<19 digits>` stay valid and readable ("legacy" ids); their
 *   prefix may contain `_` (`create_plan_1765352600123456789`), as the seed allowed.
 *
 * A malformed id is rejected with InvalidWorkflowIdError, never replaced by a fresh one.
 */
import { nanoid } from 'nanoid';
import { InvalidPrefixError, InvalidWorkflowIdError } from './errors.js';

const PREFIX_RE = /^[A-Za-z][A-Za-z0-9-]*$/;
const MAX_PREFIX = 64;
const ID_RE = /^([A-Za-z][A-Za-z0-9-]*)_(\d{19})_([A-Za-z0-9_-]{21})$/;
const LEGACY_ID_RE = /^([A-Za-z][A-Za-z0-9_-]*)_(\d{19})$/;

/** A parsed workflow id. */
export interface WorkflowId {
  id: string;
  prefix: string;
  /** Epoch nanoseconds as 19 decimal digits. */
  time: string;
  /** The random part; '' for legacy (seed) ids. */
  random: string;
  legacy: boolean;
}

/**
 * Epoch nanoseconds = wall clock at module load (performance.timeOrigin + now(), microsecond
 * precision) + monotonic time since then: fine-grained and never going backwards in a process.
 */
const clockBase = Object.freeze({
  wallNs: BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n,
  monoNs: process.hrtime.bigint(),
});

/** Current epoch time in nanoseconds, as 19 digits. */
export function epochNanos(): string {
  return (clockBase.wallNs + (process.hrtime.bigint() - clockBase.monoNs)).toString().padStart(19, '0');
}

/** Throws InvalidPrefixError unless `prefix` may start a new workflow id. */
export function assertPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix === '') throw new InvalidPrefixError(String(prefix), 'empty');
  if (prefix.length > MAX_PREFIX) throw new InvalidPrefixError(prefix, `longer than ${MAX_PREFIX} characters`);
  if (!PREFIX_RE.test(prefix)) {
    throw new InvalidPrefixError(prefix, 'must be a letter followed by letters, digits or "-" (no "_", it separates the id parts)');
  }
}

/** A fresh, unique workflow id for `prefix`. */
export function newWorkflowId(prefix: string): string {
  assertPrefix(prefix);
  return `${prefix}_${epochNanos()}_${nanoid()}`;
}

/** Parses an id (new or legacy form); undefined if malformed. */
export function tryParseWorkflowId(id: string): WorkflowId | undefined {
  if (typeof id !== 'string' || id.length > MAX_PREFIX + 1 + 19 + 1 + 21) return undefined;
  let m = ID_RE.exec(id);
  if (m) return { id, prefix: m[1]!, time: m[2]!, random: m[3]!, legacy: false };
  m = LEGACY_ID_RE.exec(id);
  if (m && m[1]!.length <= MAX_PREFIX) return { id, prefix: m[1]!, time: m[2]!, random: '', legacy: true };
  return undefined;
}

/** Parses an id, throwing InvalidWorkflowIdError with the reason if it is malformed. */
export function parseWorkflowId(id: string): WorkflowId {
  const parsed = tryParseWorkflowId(id);
  if (parsed) return parsed;
  throw new InvalidWorkflowIdError(String(id), explain(String(id)));
}

/** Throws InvalidWorkflowIdError unless `id` is a well-formed workflow id. */
export function assertWorkflowId(id: string): void {
  parseWorkflowId(id);
}

export function isWorkflowId(id: string): boolean {
  return tryParseWorkflowId(id) !== undefined;
}

function explain(id: string): string {
  if (id === '') return 'empty';
  if (/[/\\\0]/.test(id) || id.includes('..')) return 'contains a path separator, "..", or NUL';
  if (!/^[A-Za-z]/.test(id)) return 'must start with a letter (the command prefix)';
  if (!/_\d{19}(_|$)/.test(id)) return 'expected <prefix>_<19-digit nanosecond timestamp>_<21-char random part>';
  return 'expected <prefix>_<19 digits>_<21 characters of [A-Za-z0-9_-]> (or the seed form <prefix>_<19 digits>)';
}
