// npm start: the playground (scripts/playground/). Runs until Ctrl-C, then stops the operator, the pod
// runner (which stops the brokers and clears /etc/hosts) and the services this run started.
import { playgroundDefaults, playgroundReady, startPlayground } from './playground/playground.ts';
import { summary } from './playground/summary.ts';

const started = Date.now();
const playground = await startPlayground({
  ...playgroundDefaults,
  stateChartViewPort: process.env.STATE_CHART_VIEW_PORT ?? '0',
  httpPort: process.env.HTTP_PORT ?? '0',
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(
    `\n${signal}: stopping the operator, the pod runner and its brokers, and the services this run started …`,
  );
  playground.stop(playground.environment.started).then(
    () => {
      console.log('Stopped.');
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

try {
  await playgroundReady(playground, 600_000);
  console.log(await summary(playground, Math.round((Date.now() - started) / 1000)));
} catch (error) {
  console.error(`\n${(error as Error).message}\nThe logs above say where to look; stopping.`);
  stop('failure');
}
