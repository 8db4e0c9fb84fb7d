/**
 * The call stack bash exposes as FUNCNAME, BASH_SOURCE and BASH_LINENO: one frame per running
 * function call and per running `source`. Read off `bash -c` (how a block runs; Claude Code's
 * `eval` inside `bash -c` is the same):
 *
 *   - BASH_SOURCE[i] is the file frame i's code comes from: a sourced file as it was named to
 *     `source`, a function's file where it was defined — "environment" for functions defined at
 *     the top level of the `-c` string; the top level adds no entry (unset at the top).
 *   - BASH_LINENO[i] is the line frame i was called from (in BASH_SOURCE[i+1]).
 *   - FUNCNAME is set only while a function runs; `source` frames show as "source".
 *   - bash's error messages start with BASH_SOURCE[0], else $0 (`get_name_for_error`).
 */

/** One entry of the call stack. */
export interface Frame {
  kind: 'function' | 'source';
  /** FUNCNAME entry: the function's name, or "source". */
  name: string;
  /** BASH_SOURCE entry. */
  file: string;
  /** BASH_LINENO entry: the caller's line. */
  callLine: number;
}

/** The BASH_SOURCE of functions defined at the top level of `bash -c`. */
export const TOP_LEVEL_FUNCTION_SOURCE = 'environment';

/** BASH_SOURCE (innermost first), or undefined at the top level. */
export function bashSource(frames: readonly Frame[]): string[] | undefined {
  return frames.length ? frames.map((f) => f.file).reverse() : undefined;
}

/** BASH_LINENO (innermost first), or undefined at the top level. */
export function bashLineno(frames: readonly Frame[]): string[] | undefined {
  return frames.length ? frames.map((f) => String(f.callLine)).reverse() : undefined;
}

/** FUNCNAME (innermost first), or undefined when no function runs. */
export function funcname(frames: readonly Frame[]): string[] | undefined {
  return frames.some((f) => f.kind === 'function') ? frames.map((f) => f.name).reverse() : undefined;
}

/**
 * The file code defined now belongs to (a function's BASH_SOURCE): the innermost frame's, else
 * `top` — what the shell names functions of the top level (`environment` under `bash -c`, the
 * script's path for a script; CreateShellOptions.functionFile).
 */
export function definingFile(frames: readonly Frame[], top: string = TOP_LEVEL_FUNCTION_SOURCE): string {
  return frames[frames.length - 1]?.file ?? top;
}
