// The operator's Prometheus metrics, one registry per operator instance.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    reconciles: new Counter({
      name: 'kao_reconciles_total',
      help: 'Reconciles finished, by kind and result (ready, failed, paused, deleted)',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'kao_reconcile_duration_seconds',
      help: 'Duration of one reconcile',
      labelNames: ['kind'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    reconcileStarted: new Gauge({
      name: 'kao_reconcile_in_progress_start_time_seconds',
      help: 'Start time of each reconcile in progress (alert on old ones: a stuck reconcile)',
      labelNames: ['kind', 'namespace', 'name'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'kao_queue_depth',
      help: 'Reconcile jobs waiting or delayed in the queue',
      registers: [registry],
    }),
    actors: new Gauge({
      name: 'kao_actors',
      help: 'Live actors by kind and state',
      labelNames: ['kind', 'state'] as const,
      registers: [registry],
    }),
    leader: new Gauge({
      name: 'kao_leader',
      help: '1 when this replica holds the leader Lease',
      registers: [registry],
    }),
    redisConnected: new Gauge({
      name: 'kao_redis_connected',
      help: '1 while the reconcile queue is connected to Redis; while 0 nothing is reconciled',
      registers: [registry],
    }),
    kafkaRequests: new Counter({
      name: 'kao_kafka_requests_total',
      help: 'Admin API requests sent to Kafka, by operation (one request may carry many topics)',
      labelNames: ['operation'] as const,
      registers: [registry],
    }),
    statusWrites: new Counter({
      name: 'kao_status_writes_total',
      help: 'Status subresource writes, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

export type OperatorMetrics = ReturnType<typeof createMetrics>;
