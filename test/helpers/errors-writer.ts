/**
 * Test helper process for the error-log concurrency test: appends N entries to the error log
 * in CMDC_LOG_DIR with context {proc, seq}, using the rotation size in CMDC_ERRORS_MAX_BYTES.
 * Usage: node --import tsx test/helpers/errors-writer.ts <proc> <count>
 */
import { logError } from '../../runtime/store/error-log.js';

const proc = Number(process.argv[2]);
const count = Number(process.argv[3]);
for (let seq = 0; seq < count; seq++) {
  logError({
    command: '/stress',
    workflow_id: `stress_${proc}`,
    user_args: `proc ${proc} "quoted" $(not run)`,
    error_type: 'execution_error',
    message: `entry ${seq} of writer ${proc}\nsecond line`,
    source: 'stress.md:1',
    context: { proc, seq },
  });
}
