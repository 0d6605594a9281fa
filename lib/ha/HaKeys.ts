import { checkArgument } from '../util/checkArgument';

/**
 * Where each HA record lives, under one root per cluster (`/brook/<clusterId>/` by default), so
 * several brook clusters can share an etcd and one cluster's data can be listed or removed by
 * prefix. Names are path segments: no '/' inside a job, service or TaskManager id.
 */
export class HaKeys {
  constructor(readonly root: string) {
    checkArgument(root.endsWith('/'), `HA root prefix '${root}' must end with '/'`);
  }

  static forCluster(clusterId: string): HaKeys {
    return new HaKeys(`/brook/${segment(clusterId, 'cluster id')}/`);
  }

  /** Contenders for leadership of `service` each put one key here, under their own lease. */
  leaderPrefix(service: string): string {
    return `${this.root}leader/${segment(service, 'service name')}/`;
  }

  checkpointPrefix(jobId: string): string {
    return `${this.root}checkpoints/${segment(jobId, 'job id')}/`;
  }

  /** Zero-padded so that key order is checkpoint order. */
  checkpoint(jobId: string, checkpointId: number): string {
    checkArgument(Number.isSafeInteger(checkpointId) && checkpointId >= 0, `checkpoint id ${checkpointId} must be a non-negative integer`);
    return `${this.checkpointPrefix(jobId)}${String(checkpointId).padStart(20, '0')}`;
  }

  get jobGraphPrefix(): string {
    return `${this.root}jobs/`;
  }

  jobGraph(jobId: string): string {
    return `${this.jobGraphPrefix}${segment(jobId, 'job id')}`;
  }

  get jobResultPrefix(): string {
    return `${this.root}results/`;
  }

  jobResult(jobId: string): string {
    return `${this.jobResultPrefix}${segment(jobId, 'job id')}`;
  }

  get taskManagerPrefix(): string {
    return `${this.root}taskmanagers/`;
  }

  taskManager(id: string): string {
    return `${this.taskManagerPrefix}${segment(id, 'TaskManager id')}`;
  }
}

function segment(name: string, what: string): string {
  checkArgument(name.length > 0 && !name.includes('/'), `${what} '${name}' must be non-empty and contain no '/'`);
  return name;
}
