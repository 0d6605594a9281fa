import type * as ClusterFactoryModule from '../../lib/cluster/ClusterFactory';
import type * as NactClusterFactoryModule from '../../actors/nactClusterFactory';

/** Loads modules in a fresh registry: nothing installed by jest's setup or by other specs. */
function fresh<T>(load: () => T): T {
  let loaded!: T;
  jest.isolateModules(() => {
    loaded = load();
  });
  return loaded;
}

describe('the cluster factory', () => {
  it("is the nact cluster once the package's main entry is loaded", () => {
    const { clusterFactory, nactClusterFactory } = fresh(() => {
      require('../../actors/index');
      return {
        clusterFactory: (require('../../lib/cluster/ClusterFactory') as typeof ClusterFactoryModule).clusterFactory,
        nactClusterFactory: (require('../../actors/nactClusterFactory') as typeof NactClusterFactoryModule).nactClusterFactory,
      };
    });
    expect(clusterFactory()).toBe(nactClusterFactory);
  });

  it('is missing, with an error that says what to import, when lib is loaded without the main entry', () => {
    const { clusterFactory } = fresh(() => require('../../lib/cluster/ClusterFactory') as typeof ClusterFactoryModule);
    expect(() => clusterFactory()).toThrow(/import brook's API from the package's main entry \('brook'\)/);
  });
});
