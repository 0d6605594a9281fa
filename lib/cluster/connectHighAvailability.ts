import { EtcdCoordinationStore } from '../ha/etcd/EtcdCoordinationStore';
import { HighAvailabilityServices } from '../ha/HighAvailabilityServices';
import { Clock } from '../time/Clock';
import { systemClock } from '../time/SystemClock';
import { HaSettings } from './ProcessRoles';

/** The HA services of `--ha etcd://…` (loads etcd3, which only HA needs). */
export async function connectHighAvailability(settings: HaSettings, clock: Clock = systemClock): Promise<HighAvailabilityServices> {
  const store = await EtcdCoordinationStore.connect({ hosts: settings.endpoints, clock });
  return new HighAvailabilityServices(store, { clusterId: settings.clusterId, clock });
}
