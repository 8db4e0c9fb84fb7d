/** Bash glob patterns (stub, being implemented). */
export function matchPattern(s: string, pat: string, o: { nocase?: boolean } = {}): boolean { void o; return s === pat; }
