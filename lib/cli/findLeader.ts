import { HighAvailabilityServices, JOB_MANAGER } from '../ha/HighAvailabilityServices';
import { LeaderInformation } from '../ha/LeaderRetrieval';

/** The leading JobManager's address, once one leads; undefined if `abort` resolves first. */
export async function findLeader(ha: HighAvailabilityServices, abort: Promise<unknown>): Promise<LeaderInformation | undefined> {
  const retrieval = ha.leaderRetrieval(JOB_MANAGER);
  let found!: (leader: LeaderInformation) => void;
  const leads = new Promise<LeaderInformation>((resolve) => (found = resolve));
  try {
    await retrieval.start((leader) => leader && found(leader));
    return await Promise.race([leads, abort.then(() => undefined)]);
  } finally {
    await retrieval.stop();
  }
}
