// npm start: the playground (scripts/playground/). Runs until Ctrl-C, then stops the operator, the pod
// runner (which stops the brokers and clears /etc/hosts) and the services this run started.
import {
  type Playground,
  playgroundDefaults,
  playgroundReady,
  startPlayground,
} from './playground/playground.ts';
import { summary } from './playground/summary.ts';

const started = Date.now();
let playground: Playground | undefined;
// Set by the first signal; one that comes before everything has started is served once it has
// (startPlayground cleans up itself when it fails).
let stopReason: string | undefined;

function shutDown(running: Playground, reason: string): void {
  console.log(
    `\n${reason}: stopping the operator, the pod runner and its brokers, and the services this run started …`,
  );
  running.stop(running.environment.started).then(
    () => {
      console.log('Stopped.');
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

const stop = (reason: string) => {
  if (stopReason) return;
  stopReason = reason;
  if (playground) shutDown(playground, reason);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

playground = await startPlayground({
  ...playgroundDefaults,
  stateChartViewPort: process.env.STATE_CHART_VIEW_PORT ?? '0',
  httpPort: process.env.HTTP_PORT ?? '0',
}).catch((error: unknown) => {
  console.error(`\nThe playground could not start: ${(error as Error).message}`);
  process.exit(1);
});
if (stopReason) {
  shutDown(playground, stopReason);
} else {
  try {
    await playgroundReady(playground, 600_000);
    console.log(await summary(playground, Math.round((Date.now() - started) / 1000)));
  } catch (error) {
    console.error(`\n${(error as Error).message}\nThe logs above say where to look; stopping.`);
    stop('failure');
  }
}
