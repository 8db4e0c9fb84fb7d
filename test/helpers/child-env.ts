/**
 * The minimal environment e2e tests give a compiled command they run as a process: PATH, a
 * private HOME, the project dir, a fixed owner (so blocks of one test find each other's
 * instance), no colour; the log dir and anything else a test needs come in `extra`.
 */
export interface ChildEnv {
  home: string;
  project: string;
  owner: string;
}

export function childEnv(base: ChildEnv, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: base.home,
    CLAUDE_PROJECT_DIR: base.project,
    CMDC_OWNER: base.owner,
    NO_COLOR: '1',
    ...extra,
  };
}
