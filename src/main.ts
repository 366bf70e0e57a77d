// The operator's entry point: configuration from the environment, then run until SIGTERM/SIGINT.

import { ConfigError, loadConfig } from './config.ts';
import { startOperator } from './operator.ts';
import { createLogger } from './supervisor/logger.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`kafka-actor-operator: invalid setting: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
const operator = await startOperator(config, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'operator failed to start');
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    operator
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      });
  });
}
