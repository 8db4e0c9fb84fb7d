/**
 * In-process builtins for runtime/lib/error-handling.sh (activated by `source …/error-handling.sh`,
 * and by the libraries that source it): log_command_error, setup_bash_error_trap,
 * cmdc_json_string. Same arguments, output, statuses, variables and error-log bytes as the bash
 * functions; the log is written by runtime/store/error-log.ts.
 */
import type { Shell } from '../shell/shell.js';
import type { Builtin } from '../shell/builtins/index.js';
import type { Body } from '../shell/words.js';
import { qForm } from '../shell/builtins/printf.js';
import { ERROR_TYPES_TEXT, contextJson, defineGlobals, jsonString, logErrorJson, v } from './util.js';

/** The variables error-handling.sh defines when sourced. */
export function activateErrorHandling(sh: Shell): void {
  if (v(sh, '_CMDC_ERROR_HANDLING_SH')) return;
  defineGlobals(sh, { _CMDC_ERROR_HANDLING_SH: '1' }, false);
  defineGlobals(sh, { CMDC_ERROR_TYPES: ERROR_TYPES_TEXT, _CMDC_SMALL_WRITE: '1000' }, true);
}

export const ERROR_HANDLING_VARS = ['_CMDC_ERROR_HANDLING_SH', 'CMDC_ERROR_TYPES', '_CMDC_SMALL_WRITE'] as const;

/** log_command_error COMMAND WORKFLOW_ID USER_ARGS ERROR_TYPE MESSAGE [SOURCE] [CONTEXT_JSON] */
export const log_command_error: Builtin = (sh, args) => {
  const ctx = contextJson(sh, args[6] ?? '');
  return logErrorJson(sh, {
    command: args[0] ?? '',
    workflowId: args[1] ?? '',
    userArgs: args[2] ?? '',
    errorType: args[3] ?? '',
    message: args[4] ?? '',
    source: args[5] ?? '',
    context: ctx,
  });
};

/** The ERR trap setup_bash_error_trap installs (bash: _cmdc_bash_error_trap). */
function errorTrap(command: string, workflowId: string, userArgs: string): Body {
  const body = async (sh: Shell): Promise<void> => {
    const status = sh.status;
    const lineno = sh.getVar('LINENO') ?? '0';
    const failed = sh.getVar('BASH_COMMAND') ?? '';
    const ctx = `{"exit_code":${status},"line":${lineno},"failed_command":${jsonString(failed)}}`;
    // bash: ${CMDC_SOURCE:-"${BASH_SOURCE[1]:-bash}:$lineno"}; the script's name stands for it
    const src = v(sh, 'CMDC_SOURCE') || `${sh.scriptName}:${lineno}`;
    sh.traps.delete('ERR');
    logErrorJson(sh, {
      command, workflowId, userArgs, errorType: 'execution_error',
      message: `bash command failed with exit code ${status} at line ${lineno}: ${failed}`,
      source: src, context: ctx,
    });
    setupTrap(sh, [command, workflowId, userArgs]);
    sh.status = 0;
  };
  return Object.assign(body, {
    /** The bash text of the same trap (islands and `trap -p` use it). */
    bash: `_cmdc_bash_error_trap "$?" "$LINENO" "$BASH_COMMAND" ${qForm(command)} ${qForm(workflowId)} ${qForm(userArgs)}`,
  });
}

function setupTrap(sh: Shell, args: string[]): number {
  const command = args[0] || v(sh, 'COMMAND_NAME');
  const workflowId = args[1] || v(sh, 'WORKFLOW_ID');
  const userArgs = args[2] || v(sh, 'USER_ARGS');
  sh.traps.set('ERR', errorTrap(command, workflowId, userArgs));
  return 0;
}

/** setup_bash_error_trap [COMMAND] [WORKFLOW_ID] [USER_ARGS] */
export const setup_bash_error_trap: Builtin = (sh, args) => setupTrap(sh, args);

/** cmdc_json_string VAR VALUE */
export const cmdc_json_string: Builtin = (sh, args) => {
  const name = args[0] ?? '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    sh.error(`local: \`${name}': invalid variable name for name reference`);
    return 1;
  }
  return sh.setVar(name, jsonString(args[1] ?? '')) ? 0 : 1;
};

export const ERROR_HANDLING_BUILTINS: Record<string, Builtin> = {
  log_command_error,
  setup_bash_error_trap,
  cmdc_json_string,
};
