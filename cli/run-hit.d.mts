/** Types of cli/run-hit.mjs (plain JavaScript so that the cache-hit path needs no tsx). */
export interface ResolvedCommand {
  /** The name as Claude Code knows it (`x`, `ns:x`, a skill's directory name). */
  name: string;
  /** Absolute path of the .md file. */
  file: string;
  /** Its path relative to the project root, `/`-separated. */
  rel: string;
}
export declare const CMDC_ROOT: string;
export declare function projectRoot(cwd: string): string;
export declare function isPath(name: string): boolean;
export declare function resolveCommand(root: string, name: string, cwd?: string): ResolvedCommand | null;
export declare function runVersion(cmdcRoot: string): string;
export declare function runKey(rel: string, name: string, bytes: Buffer): string;
export declare function runBundleFile(projectDir: string, version: string, key: string): string;
export declare function entryFor(name: string): string;
export declare function runBundle(bundleFile: string, name: string, args: readonly string[], root: string, loaded?: () => void): Promise<number>;
export declare function tryRunCached(argv: readonly string[], cwd?: string, loaded?: () => void): Promise<boolean>;
