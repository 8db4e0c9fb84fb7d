/**
 * `renderPrompt(command, step, state)`: the prompt an agent step (the prose between blocks) sends,
 * exactly as the runner renders it (runtime/runner/agent.ts renderPrompt: the prose with the
 * arguments substituted, then the instance's identity and state), for snapshot tests of the
 * prose steps. Deterministic: a fixed workflow id and session id unless given; `!` commands in
 * the prose are not run (their text stays, or `pre` gives their outputs in order).
 */
import type { AgentStep, CommandModule, PreStep } from '../command.js';
import { substituteArguments } from '../lang/arguments.js';
import { writeTypedState } from '../lang/state-types.js';
import { renderPrompt as renderAgentPrompt } from '../runner/agent.js';

export interface RenderPromptOptions {
  /** The raw argument string (as typed after `/x`); default ''. */
  arguments?: string;
  /** Workflow id shown in the prompt; default `<command>_0000000000000000000`. */
  workflowId?: string;
  /** `${CLAUDE_SESSION_ID}` in the prose; default `test-session`. */
  sessionId?: string;
  /** Outputs of the `!` commands inside the step, in order (default: their text stays as written). */
  pre?: readonly string[];
}

/**
 * The prompt of agent step `step` — its 1-based ordinal among the command's agent steps, or the
 * step itself — with `state` (typed by the command's State) as the instance's state.
 */
export function renderPrompt<S>(command: CommandModule<S>, step: number | AgentStep, state: NoInfer<S>, options: RenderPromptOptions = {}): string {
  const agents = command.steps.filter((s): s is AgentStep => s.kind === 'agent');
  const agent = typeof step === 'number' ? agents[step - 1] : step;
  if (!agent) throw new Error(`cmdc/testing: /${command.name} has ${agents.length} agent step${agents.length === 1 ? '' : 's'}, no step ${String(step)}`);
  const raw = options.arguments ?? '';
  const opts = { ...(command.arguments ?? {}), sessionId: options.sessionId ?? 'test-session', skillDir: '' };
  const index = command.steps.indexOf(agent);
  const pres = command.steps
    .filter((s): s is PreStep => s.kind === 'pre' && s.agent === index)
    .sort((a, b) => a.start - b.start);
  let text = '';
  let at = 0;
  pres.forEach((p, i) => {
    const output = options.pre?.[i];
    if (output === undefined || p.start < at) return;
    text += substituteArguments(agent.text.slice(at, p.start), raw, opts) + output;
    at = p.end;
  });
  text += substituteArguments(agent.text.slice(at), raw, opts);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(writeTypedState((state ?? {}) as Record<string, unknown>, command.stateKinds))) {
    values[k] = typeof v === 'string' ? v : v.join(' ');
  }
  return renderAgentPrompt({
    command: command.name,
    source: command.source,
    workflowId: options.workflowId ?? `${command.name}_0000000000000000000`,
    step: agent,
    args: [],
    text,
    state: values,
  });
}
