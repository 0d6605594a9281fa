import { ProcessRoles } from '../../lib/cluster/ProcessRoles';
import { JobManagerProcess } from './JobManagerProcess';
import { TaskManagerProcess } from './TaskManagerProcess';

/** `brook jobmanager` and `brook taskmanager`: each role in its own process, on nact actors. */
export const nactProcessRoles: ProcessRoles = {
  startJobManager: (options) => JobManagerProcess.start(options),
  startTaskManager: (options) => TaskManagerProcess.start(options),
};
