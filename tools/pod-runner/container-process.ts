// One run of a container in the pod's network namespace (the host's for a pod on the host network):
// its command in a fresh mount and UTS namespace set up by the mount script, or crun running it from
// its image; output appended to the container's log file. The process leads its own process group,
// so stopping it also reaches whatever it started.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';

export interface ContainerLaunch {
  // undefined: the pod is on the host's network.
  namespacePath: string | undefined;
  // What runs in that network namespace: the mount script with the command, or crun.
  argv: string[];
  // The container's command, for its log.
  command: string[];
  env: Record<string, string>;
  logFile: string;
}

export interface Exit {
  exitCode: number;
  signal: string | undefined;
}

export class ContainerProcess {
  readonly #child: ChildProcess;
  readonly exited: Promise<Exit>;

  constructor(launch: ContainerLaunch) {
    const log = openSync(launch.logFile, 'a');
    try {
      writeSync(log, `--- pod-runner: starting ${launch.command.join(' ')} at ${new Date().toISOString()}\n`);
      const argv = launch.namespacePath
        ? ['nsenter', `--net=${launch.namespacePath}`, '--', ...launch.argv]
        : launch.argv;
      this.#child = spawn(argv[0] ?? 'false', argv.slice(1), {
        env: launch.env,
        stdio: ['ignore', log, log],
        detached: true,
      });
    } finally {
      closeSync(log);
    }
    this.exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        appendLine(launch.logFile, `--- pod-runner: could not start: ${error.message}`);
        resolve({ exitCode: 128, signal: undefined });
      });
      this.#child.once('exit', (code, signal) => {
        this.#killGroup('SIGKILL');
        // A signal's exit code as a shell reports it: 128 + its number.
        const exitCode = code ?? 128 + (signal ? signalNumber(signal) : 0);
        resolve({ exitCode, signal: signal ?? undefined });
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  // SIGTERM to the container's main process, SIGKILL to its whole group after the grace period.
  async stop(graceMs: number): Promise<Exit> {
    this.#signal('SIGTERM');
    const timer = setTimeout(() => this.#killGroup('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  #signal(signal: NodeJS.Signals): void {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill(signal);
  }

  #killGroup(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch (error) {
      // ESRCH: nothing of the group is left.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}

export function appendLine(file: string, line: string): void {
  const log = openSync(file, 'a');
  try {
    writeSync(log, `${line}\n`);
  } finally {
    closeSync(log);
  }
}
