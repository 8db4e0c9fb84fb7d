/** Deterministic test values shared by the test files and their child processes. */

/** A tricky value for appender `proc`, append `i`: quotes, substitutions, newline, UTF-8, control bytes. */
export function appenderValue(proc: number, i: number): string {
  return `p${proc} i${i} $(touch SENTINEL) \`touch SENTINEL\` 'q' "dq" \\ \n é 🦀 \x01 !x ${'z'.repeat(i % 50)}`;
}

/** The value the killed writer appends as W_<i>: sizes vary so that some writes cross pages. */
export function writerValue(i: number): string {
  const size = i % 13 === 0 ? 20_000 : i % 7 === 0 ? 5_000 : (i * 37) % 300;
  return `${i}:'"$\`\\\n` + 'abcdefghij'.repeat(Math.ceil(size / 10)).slice(0, size);
}
