// One attempt of a probe, as the kubelet makes it: a TCP connect, an HTTP GET answered 200-399,
// or a command run inside the container's namespaces that exits 0; each within timeoutSeconds.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

export interface ProbeTarget {
  address: string;
  container: V1Container;
  // The container's main process, whose namespaces an exec probe enters.
  pid: number | undefined;
  env: Record<string, string>;
}

export type ProbeResult = { success: true } | { success: false; message: string };

export async function runProbe(probe: V1Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, target.container);
    return tcpProbe(probe.tcpSocket.host ?? target.address, port, timeoutMs);
  }
  if (probe.httpGet) {
    const { scheme = 'HTTP', host = target.address, path = '/' } = probe.httpGet;
    const port = resolvePort(probe.httpGet.port, target.container);
    return httpProbe(`${scheme.toLowerCase()}://${host}:${port}${path}`, timeoutMs);
  }
  if (probe.exec?.command) return execProbe(probe.exec.command, target, timeoutMs);
  return {
    success: false,
    message: 'the probe has no handler the pod runner supports (tcpSocket, httpGet, exec)',
  };
}

export function resolvePort(port: number | string, container: V1Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`container ${container.name} has no port named ${port}`);
  return named.containerPort;
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ success: true });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ success: false, message: `connecting to ${host}:${port} timed out` });
    });
    socket.once('error', (error) =>
      resolve({ success: false, message: `${host}:${port}: ${error.message}` }),
    );
  });
}

async function httpProbe(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 400) return { success: true };
    return { success: false, message: `GET ${url} answered ${response.status}` };
  } catch (error) {
    return { success: false, message: `GET ${url} failed: ${(error as Error).message}` };
  }
}

function execProbe(command: string[], target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  if (target.pid === undefined)
    return Promise.resolve({ success: false, message: 'the container is not running' });
  const args = ['--target', String(target.pid), '--net', '--mount', '--uts', '--', ...command];
  return new Promise((resolve) => {
    const child = spawn('nsenter', args, { env: target.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < 2_000) output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ success: false, message: `${command.join(' ')}: ${error.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ success: true });
      else {
        const how =
          signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
        resolve({ success: false, message: `${command.join(' ')} ${how}: ${output.trim().slice(-500)}` });
      }
    });
  });
}
