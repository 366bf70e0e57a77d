// Waits for a JSON log line (pino) of a child process, failing at once when the process exits first.
import type { Child } from './child-process.ts';

export type LogLine = Record<string, unknown> & { msg?: string };

function lines(child: Child): LogLine[] {
  return child
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

export async function logLine(child: Child, msg: string, timeoutMs = 120_000): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines(child).find((line) => line.msg === msg);
    if (found) return found;
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`the ${child.name} exited before logging "${msg}"; see ${child.logFile}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the ${child.name} did not log "${msg}" within ${timeoutMs / 1000} s; see ${child.logFile}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
