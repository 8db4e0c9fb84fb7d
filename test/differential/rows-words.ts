/**
 * Differential rows for the word-level families of issue 11 ("fidelity-words"): array subscripts
 * and associative arrays (A), expansion and quoting (C), printf/echo and byte-exact values (D),
 * options, errors bash survives and builtins (F17–F20), redirects, here-docs and `read` (R). The
 * rows live in words.rows (plain text, see rows-file.ts); each issue repro has several variants,
 * the rest is what a conformance suite of these families checks.
 */
import { fileURLToPath } from 'node:url';
import { loadRows } from './rows-file.js';

export const WORD_ROWS = loadRows(fileURLToPath(new URL('./words.rows', import.meta.url)));
