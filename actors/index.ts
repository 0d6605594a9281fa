// brook's package entry: the public API of lib/ with the nact cluster plugged in, so that
// `StreamExecutionEnvironment.getExecutionEnvironment()` and `execute()` run jobs on actors.
import { installClusterFactory } from '../lib/cluster/ClusterFactory';
import { installProcessRoles } from '../lib/cluster/ProcessRoles';
import { nactClusterFactory } from './nactClusterFactory';
import { nactProcessRoles } from './processes/nactProcessRoles';

installClusterFactory(nactClusterFactory);
installProcessRoles(nactProcessRoles);

export * from '../lib/index';
export { MiniCluster } from './MiniCluster';
export { JobManagerGateway } from './JobManagerGateway';
export { nactClusterFactory } from './nactClusterFactory';
