import { ClusterFactory } from '../lib/cluster/ClusterFactory';
import { MiniCluster } from './MiniCluster';
import { ThreadCluster } from './threads/ThreadCluster';

/** The clusters brook runs jobs on: nact actor systems in this thread, or one per TaskManager thread. */
export const nactClusterFactory: ClusterFactory = {
  startLocal: (config) => new MiniCluster(config),
  startOnThreads: (config) => ThreadCluster.start(config),
};
