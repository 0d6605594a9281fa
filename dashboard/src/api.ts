import type {
  CheckpointsBody,
  ConfigBody,
  ErrorBody,
  JobDetailsBody,
  JobExceptionsBody,
  JobsOverviewBody,
  OverviewBody,
  SavepointStatusBody,
  TaskManagersBody,
  TriggerBody,
  VertexDetailsBody,
} from '../../lib/rest/RestTypes';

export type {
  CheckpointsBody,
  ConfigBody,
  JobDetailsBody,
  JobExceptionsBody,
  JobSummary,
  JobsOverviewBody,
  OverviewBody,
  SubtaskDetails,
  TaskManagersBody,
  VertexDetailsBody,
  VertexSummary,
  WindowWait,
  ChannelWatermark,
} from '../../lib/rest/RestTypes';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', ...init });
  const text = await res.text();
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (JSON.parse(text) as ErrorBody).errors.join('; ');
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, message);
  }
  return JSON.parse(text) as T;
}

const job = (id: string): string => `/jobs/${encodeURIComponent(id)}`;

export const api = {
  config: () => call<ConfigBody>('/config'),
  overview: () => call<OverviewBody>('/overview'),
  jobs: () => call<JobsOverviewBody>('/jobs/overview'),
  taskManagers: () => call<TaskManagersBody>('/taskmanagers'),
  job: (id: string) => call<JobDetailsBody>(job(id)),
  vertex: (id: string, vertexId: string) => call<VertexDetailsBody>(`${job(id)}/vertices/${encodeURIComponent(vertexId)}`),
  checkpoints: (id: string) => call<CheckpointsBody>(`${job(id)}/checkpoints`),
  exceptions: (id: string) => call<JobExceptionsBody>(`${job(id)}/exceptions`),
  cancel: (id: string) => call<Record<string, never>>(`${job(id)}?mode=cancel`, { method: 'PATCH' }),
  savepoint: (id: string, directory: string | undefined) =>
    call<TriggerBody>(`${job(id)}/savepoints`, { method: 'POST', body: JSON.stringify(directory ? { 'target-directory': directory } : {}) }),
  savepointStatus: (id: string, trigger: string) => call<SavepointStatusBody>(`${job(id)}/savepoints/${encodeURIComponent(trigger)}`),
};
