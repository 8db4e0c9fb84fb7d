/**
 * zx's quoting, byte for byte (zx 8 `quote`): how a `$` template of the typed tier prints an
 * interpolated value (`cmd.toString()`, messages). Tested against zx's own `quote` in
 * test/runtime/typed.test.ts; kept here so that the per-block path does not pay zx's import.
 */

/** `arg` quoted for bash as zx quotes an interpolation. */
export function zxQuote(arg: string): string {
  if (arg === '') return `$''`;
  if (/^[\w/.\-@:=]+$/.test(arg)) return arg;
  return (
    `$'` +
    arg
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/\f/g, '\\f')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replace(/\v/g, '\\v')
      .replace(/\0/g, '\\0') +
    `'`
  );
}
