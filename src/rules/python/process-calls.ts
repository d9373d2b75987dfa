/**
 * Python calls that start programs, shared by py-command-injection (non-constant commands, request
 * data) and py-process-start (the constant and no-shell launches it leaves alone).
 */
export const SUBPROCESS = new Set(['subprocess.call', 'subprocess.run', 'subprocess.Popen', 'subprocess.check_output', 'subprocess.check_call']);
/** Calls whose command string always goes through a shell. */
export const ALWAYS_SHELL = new Set(['os.system', 'os.popen', 'subprocess.getoutput', 'subprocess.getstatusoutput', 'commands.getoutput', 'commands.getstatusoutput', 'asyncio.create_subprocess_shell', 'os.popen2', 'os.popen3', 'os.popen4']);
/** Calls that replace or fork the process with a program, without a shell. */
export const EXEC_FAMILY = /^os\.(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)$/;
