// Runs the operator as users do — `node src/main.ts` with settings in its environment — and
// reads its JSON log lines, so tests can see what it did and when.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDirectory } from './environment.ts';
import { waitFor } from './wait.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

export interface LogLine {
  time: string;
  level: number;
  msg: string;
  kind?: string;
  namespace?: string;
  name?: string;
  reconciliation?: string;
  state?: string;
  [field: string]: unknown;
}

export interface OperatorProcess {
  name: string;
  process: ChildProcess;
  logFile: string;
  httpPort: () => Promise<number>;
  // Only when started with STATE_CHART_VIEW_PORT set.
  stateChartViewPort: () => Promise<number>;
  logs: () => LogLine[];
  exited: Promise<number | null>;
  stop: () => Promise<void>;
  kill: () => Promise<void>;
}

export function startOperatorProcess(name: string, env: Record<string, string>): OperatorProcess {
  const logDirectory = join(runDirectory, 'operator-logs');
  mkdirSync(logDirectory, { recursive: true });
  const logFile = join(logDirectory, `${name}-${Date.now()}.log`);
  const child = spawn(process.execPath, [join(repoRoot, 'src/main.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', POD_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(logFile);

  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  // Resolves once the process is gone and all its output is in the log file.
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => out.end(() => resolve(code))),
  );

  // An operator must not outlive the test or benchmark that started it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  const logs = (): LogLine[] =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);

  // A port the 'serving HTTP' line reports, before the informers have synced.
  const startedPort = (field: 'httpPort' | 'stateChartViewPort', what: string) =>
    waitFor(`${name} to report its ${what} (log: ${logFile})`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; log: ${logFile}`);
      const started = logs().find((line) => line.msg === 'serving HTTP');
      const port = started?.[field];
      if (started && typeof port !== 'number') throw new Error(`${name} started without a ${what}`);
      return typeof port === 'number' ? port : undefined;
    });

  return {
    name,
    process: child,
    logFile,
    logs,
    exited,
    httpPort: () => startedPort('httpPort', 'HTTP port'),
    stateChartViewPort: () => startedPort('stateChartViewPort', 'state-chart view port'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
    async kill() {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

// Start and end of every reconcile of one resource, in order, from the operators' log lines.
export interface ReconcileSpan {
  operator: string;
  reconciliation: string;
  start: number;
  end: number | undefined;
}

export function reconcileSpans(
  operators: OperatorProcess[],
  namespace: string,
  name: string,
): ReconcileSpan[] {
  const spans = new Map<string, ReconcileSpan>();
  for (const operator of operators) {
    for (const line of operator.logs()) {
      if (line.namespace !== namespace || line.name !== name || !line.reconciliation) continue;
      const at = Date.parse(line.time);
      const id = `${operator.name}/${line.reconciliation}`;
      if (line.msg === 'reconcile started') {
        spans.set(id, {
          operator: operator.name,
          reconciliation: line.reconciliation,
          start: at,
          end: undefined,
        });
      } else if (line.msg === 'reconcile finished' || line.msg === 'reconcile failed') {
        const span = spans.get(id);
        if (span) span.end = at;
      }
    }
  }
  return [...spans.values()].sort((a, b) => a.start - b.start);
}
