// Log directories on the data volumes; the KRaft metadata log on the volume marked kraftMetadata: shared
// (otherwise Kafka keeps it in the first log directory).
import type { NodeModel, PoolModel } from '../../../machines/cluster-model.ts';
import { dataVolumes, logDir } from './broker-paths.ts';
import type { Section } from './properties.ts';

export function storageSection(pool: PoolModel, node: NodeModel): Section {
  const volumes = dataVolumes(pool.storage);
  const metadata = volumes.find((volume) => volume.volume.kraftMetadata === 'shared');
  return {
    title: 'Log directories',
    entries: [
      ['log.dirs', volumes.map((volume) => logDir(volume, node.id)).join(',')],
      ...(metadata ? [['metadata.log.dir', logDir(metadata, node.id)] as const] : []),
    ],
  };
}
