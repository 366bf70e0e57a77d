// The test environment's services the playground needs (test/env/up.sh), and which of them it started
// itself: only those are stopped at the end, as other runs may share the rest.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, testenvRun } from './paths.ts';

export type Service = 'kubernetes' | 'redis';

// The processes up.sh records for each service (test/env/up.sh, test/env/down.sh).
const processesOf: Record<Service, string[]> = {
  kubernetes: ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'],
  redis: ['redis'],
};

export interface Environment {
  kubeconfig: string;
  kubectl: string;
  redisUrl: string;
  // The services this run started, to stop at the end.
  started: Service[];
}

function alive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

function running(service: Service): boolean {
  return (
    existsSync(join(testenvRun, 'env.d', `${service}.env`)) &&
    processesOf[service].every((name) => alive(join(testenvRun, 'pids', `${name}.pid`)))
  );
}

function settingsOf(service: Service): Record<string, string> {
  const text = readFileSync(join(testenvRun, 'env.d', `${service}.env`), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function setting(settings: Record<string, string>, key: string): string {
  const value = settings[key];
  if (!value) throw new Error(`the test environment did not report ${key}; see ${testenvRun}/logs/`);
  return value;
}

export function startEnvironment(services: Service[] = ['kubernetes', 'redis']): Environment {
  const started = services.filter((service) => !running(service));
  execFileSync('bash', [join(repoRoot, 'test/env/up.sh'), ...services], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const settings = Object.assign({}, ...services.map(settingsOf));
  return {
    kubeconfig: setting(settings, 'KUBECONFIG'),
    kubectl: setting(settings, 'KUBECTL'),
    redisUrl: setting(settings, 'REDIS_URL'),
    started,
  };
}

export function stopServices(services: Service[]): void {
  if (services.length === 0) return;
  execFileSync('bash', [join(repoRoot, 'test/env/down.sh'), ...services], { stdio: 'inherit' });
}
