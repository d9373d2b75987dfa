import { sinksByCallee } from '../../core/models';

/**
 * Python calls that start programs, read from the process-sink models (src/core/models/subprocess.ts)
 * so py-command-injection (non-constant commands, request data) and py-process-start (the constant
 * and no-shell launches it leaves alone) share one list.
 */
const ROWS = [...sinksByCallee('python', 'command-injection').values()];
const withShell = (mode: string) => new Set(ROWS.filter((r) => r.shell === mode).map((r) => r.callee!));

/** Calls that go through a shell only with `shell=True`. */
export const SUBPROCESS: ReadonlySet<string> = withShell('option');
/** Calls whose command string always goes through a shell. */
export const ALWAYS_SHELL: ReadonlySet<string> = withShell('always');
/** os calls that replace or fork the process with a program, without a shell (exec*, spawn*, posix_spawn*). */
export const EXEC_FAMILY: ReadonlySet<string> = new Set([...withShell('never')].filter((c) => c.startsWith('os.')));
