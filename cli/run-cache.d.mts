/** Types of cli/run-cache.mjs (plain JavaScript so that the cache-hit path needs no tsx). */
export interface ResolvedCommand {
  name: string;
  file: string;
  rel: string;
}
export declare const CMDC_ROOT: string;
export declare function projectRoot(cwd: string): string;
export declare function resolveCommand(root: string, name: string, cwd?: string): ResolvedCommand | null;
export declare function cmdcVersion(): string;
export declare function runCacheDir(root: string, version: string): string;
export declare function bundleFor(root: string, resolved: ResolvedCommand, version: string): { key: string; text: Buffer; file: string };
export declare function entryFor(name: string): string;
export declare function runBundle(bundleFile: string, name: string, args: readonly string[]): Promise<number>;
export declare function tryRunCached(argv: readonly string[], cwd?: string): Promise<boolean>;
