/**
 * Agent adapters: what happens when a run reaches an agent step (the prose between bash blocks
 * that asks Claude to do something).
 *
 * - `pause` (default): the runner persists the instance as paused and prints the prompt and the
 *   exact command that resumes it; the process exits 0.
 * - `command` (`--agent-cmd "<cmd>"`): the rendered prompt is piped to `bash -c <cmd>`'s stdin
 *   (e.g. `claude -p`); its stdout, less trailing newlines, is the step's output, stored in the state.
 * - `replay` (`--agent-replay file.json`): outputs come from a fixture file, for tests.
 *
 * Replay file: `{ "responses": [{ "line"?: number, "output": string, "status"?: number }],
 * "default"?: string }`. Responses are consumed in order; a response with `line` must match the
 * step's .md line; when responses run out, `default` is used, else the step fails.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AgentStep } from '../command.js';
import { substituteArguments } from '../lang/arguments.js';

/** Everything an adapter may use to act on one agent step. */
export interface AgentRequest {
  /** Command name, e.g. `implement`. */
  command: string;
  /** .md source path, e.g. `commands/implement.md`. */
  source: string;
  workflowId: string;
  step: AgentStep;
  /** 1-based ordinal of this agent step among the command's agent steps. */
  ordinal: number;
  /** The prompt sent to the agent (see renderPrompt). */
  prompt: string;
  /** Working directory for a spawned agent. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export type AgentResult =
  /** Stop here; the runner marks the instance paused. */
  | { kind: 'pause' }
  /** The agent answered; `output` is stored in the state as AGENT_OUTPUT_<ordinal>. */
  | { kind: 'done'; output: string }
  /** The agent failed; the runner marks the instance failed and logs an agent_error. */
  | { kind: 'failed'; status: number; message: string };

export interface AgentAdapter {
  readonly name: string;
  run(req: AgentRequest): Promise<AgentResult>;
}

/** The state key an agent step's output is stored under. */
export function agentOutputKey(ordinal: number): string {
  return `AGENT_OUTPUT_${ordinal}`;
}

/**
 * The prompt for an agent step: the step's prose with `$ARGUMENTS` / `$N` replaced by the
 * command's arguments (Claude Code's substitution, runtime/lang/arguments.ts) and `!` outputs in, followed by the instance's identity and its state (so the agent can act on the
 * values the blocks computed without reading the state file itself).
 */
export function renderPrompt(opts: {
  command: string;
  source: string;
  workflowId: string;
  step: AgentStep;
  args: readonly string[];
  /** The step's text already rendered (`!` outputs in, arguments substituted); default: substituteArguments on the step's text. */
  text?: string;
  state: Readonly<Record<string, string>>;
}): string {
  const text = (opts.text ?? substituteArguments(opts.step.text, opts.args.join(' '))).trim();
  const keys = Object.keys(opts.state).sort();
  const state = keys.map((k) => `${k}=${JSON.stringify(opts.state[k])}`).join('\n');
  return (
    `${text}\n\n` +
    `---\ncommand: /${opts.command} (${opts.source}:${opts.step.line})\nworkflow id: ${opts.workflowId}\n` +
    (state ? `state:\n${state}\n` : '')
  );
}

/** Default adapter: always pause. */
export function pauseAdapter(): AgentAdapter {
  return { name: 'pause', run: async () => ({ kind: 'pause' }) };
}

/** Pipe the prompt to `bash -c <cmd>`; stdout is the output, stderr passes through. */
export function commandAdapter(cmd: string): AgentAdapter {
  return {
    name: 'command',
    run(req) {
      return new Promise((resolve) => {
        const child = spawn('bash', ['-c', cmd], {
          cwd: req.cwd,
          env: { ...req.env, CMDC_WORKFLOW_ID: req.workflowId, CMDC_AGENT_STEP: String(req.ordinal) },
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        const chunks: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => chunks.push(d));
        child.on('error', (e) => resolve({ kind: 'failed', status: 127, message: `agent command failed to start: ${e.message}` }));
        child.stdin.on('error', () => {
          /* the agent may exit without reading its stdin */
        });
        child.stdin.end(req.prompt);
        child.on('close', (code, signal) => {
          // Like $(cmd): trailing newlines are not part of the value.
          const output = Buffer.concat(chunks).toString('utf8').replace(/\n+$/, '');
          if (code === 0) resolve({ kind: 'done', output });
          else
            resolve({
              kind: 'failed',
              status: code ?? 1,
              message: `agent command \`${cmd}\` exited with ${signal ? `signal ${signal}` : `status ${code}`}`,
            });
        });
      });
    },
  };
}

interface ReplayFile {
  responses?: { line?: number; output: string; status?: number }[];
  default?: string;
}

/** Replay canned outputs from a JSON file (tests). Each process reads the file once. */
export function replayAdapter(file: string): AgentAdapter {
  let data: ReplayFile | undefined;
  let next = 0;
  return {
    name: 'replay',
    async run(req) {
      if (!data) {
        try {
          data = JSON.parse(readFileSync(file, 'utf8')) as ReplayFile;
        } catch (e) {
          return { kind: 'failed', status: 1, message: `cannot read agent replay file ${file}: ${(e as Error).message}` };
        }
      }
      // A resumed process starts counting again: skip responses bound to earlier steps.
      const responses = data.responses ?? [];
      while (next < responses.length && responses[next]!.line !== undefined && responses[next]!.line! < req.step.line) next++;
      const r = responses[next];
      if (r) {
        if (r.line !== undefined && r.line !== req.step.line) {
          return {
            kind: 'failed',
            status: 1,
            message: `agent replay: next response is for line ${r.line}, but the step is at ${req.source}:${req.step.line}`,
          };
        }
        next++;
        if (r.status) return { kind: 'failed', status: r.status, message: `agent replay: step failed (status ${r.status})` };
        return { kind: 'done', output: r.output };
      }
      if (data.default !== undefined) return { kind: 'done', output: data.default };
      return { kind: 'failed', status: 1, message: `agent replay: no response for ${req.source}:${req.step.line}` };
    },
  };
}
