// The operator as users run it (node src/main.ts, settings in its environment), watching the
// playground's namespace, with its HTTP endpoints and state-chart view on loopback.
import { join } from 'node:path';
import { type Child, startChild } from './child-process.ts';
import { logLine } from './log-lines.ts';

export interface OperatorSettings {
  kubeconfig: string;
  redisUrl: string;
  namespace: string;
  logDirectory: string;
  // 0: any free port.
  httpPort?: string;
  stateChartViewPort?: string;
}

export interface RunningOperator {
  child: Child;
  httpPort: number;
  stateChartViewPort: number;
}

export async function startOperator(settings: OperatorSettings): Promise<RunningOperator> {
  const child = startChild(
    'operator',
    ['src/main.ts'],
    {
      PATH: process.env.PATH ?? '',
      KUBECONFIG: settings.kubeconfig,
      REDIS_URL: settings.redisUrl,
      OPERATOR_NAMESPACE: settings.namespace,
      WATCH_NAMESPACES: settings.namespace,
      // Its own queues in a Redis other runs may share.
      QUEUE_PREFIX: `kao-${settings.namespace}`,
      POD_NAME: `operator-${settings.namespace}`,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: settings.httpPort ?? '0',
      STATE_CHART_VIEW_PORT: settings.stateChartViewPort ?? '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    join(settings.logDirectory, 'operator.log'),
  );
  const serving = await logLine(child, 'serving HTTP');
  return {
    child,
    httpPort: Number(serving.httpPort),
    stateChartViewPort: Number(serving.stateChartViewPort),
  };
}
