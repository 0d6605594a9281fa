import { connectHighAvailability } from '../../lib/cluster/connectHighAvailability';
import { ProcessRoles } from '../../lib/cluster/ProcessRoles';
import { JOB_MANAGER } from '../../lib/ha/HighAvailabilityServices';
import { JobManagerProcess } from './JobManagerProcess';
import { LeaderFollowingTaskManager } from './LeaderFollowingTaskManager';
import { TaskManagerProcess } from './TaskManagerProcess';

/** `brook jobmanager` and `brook taskmanager`: each role in its own process, on nact actors. */
export const nactProcessRoles: ProcessRoles = {
  startJobManager: (options) => JobManagerProcess.start(options),
  startTaskManager: (options) => TaskManagerProcess.start(options),
  startLeaderFollowingTaskManager: async ({ ha: settings, ...options }) => {
    const ha = await connectHighAvailability(settings);
    const lease = { registry: ha.taskManagers, ttlSeconds: settings.leaseTtlSeconds };
    const tm = await LeaderFollowingTaskManager.start({ ...options, lease }, ha.leaderRetrieval(JOB_MANAGER)).catch(async (e: unknown) => {
      await ha.close();
      throw e;
    });
    void tm.closed.then(() => ha.close());
    return tm;
  },
};
