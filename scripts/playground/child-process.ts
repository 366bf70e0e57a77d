// A long-running part of the playground (the operator, the pod runner) as a child process with its
// output in a log file; it never outlives the playground.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { repoRoot } from './paths.ts';

export interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
  // Resolves with the exit code once the process is gone.
  exited: Promise<number | null>;
  // This run's output.
  log: () => string;
  stop: () => Promise<void>;
}

export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  // Earlier runs' output stays in the file; this run's starts here.
  const start = fstatSync(out).size;
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return {
    name,
    process: child,
    logFile,
    exited,
    log: () => readFileSync(logFile).subarray(start).toString('utf8'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
