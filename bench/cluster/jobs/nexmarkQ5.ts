import { parseArgs } from 'util';
import { StreamExecutionEnvironment } from '../../../actors';
import { PrintSink } from '../../../lib/connectors/sink/PrintSink';
import { defineNexmarkQuery } from '../../nexmark/queries';

export const jobName = 'Nexmark q5';

/**
 * Nexmark q5 (hot items) as a job file for `brook run`, in one process or on a cluster: the
 * results are printed (JSON, as the in-process bench digests them), so the client that submitted
 * it receives them and digests them the same way. Arguments: `--events N`.
 */
export function defineJob(env: StreamExecutionEnvironment, { args }: { readonly args: readonly string[] }): void {
  const { values } = parseArgs({ args: [...args], options: { events: { type: 'string', default: '2000000' } } });
  defineNexmarkQuery('q5', env, Number(values.events), new PrintSink<unknown>('stdout'));
}
