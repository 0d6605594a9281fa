// Jest setup: specs import brook's API from lib/ directly; jobs they execute without a cluster
// of their own run on the nact cluster, as they do when loaded through the package's main entry.
import { installClusterFactory } from '../../lib/cluster/ClusterFactory';
import { nactClusterFactory } from '../../actors/nactClusterFactory';

installClusterFactory(nactClusterFactory);
