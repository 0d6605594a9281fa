/**
 * brook's layering, checked by `npm run lint:deps` (run by `npm test`):
 * lib/ is everything that does not need nact and never imports actors/; actors/ is the nact
 * glue and the composition root. No module imports itself back through a cycle.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'lib-not-to-actors',
      comment: 'lib/ reaches a cluster through lib/cluster (JobCluster, ClusterFactory), which actors/ implements.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^actors/' },
    },
    {
      name: 'no-circular',
      comment:
        'Modules are layered one way: a cycle means two layers that cannot be understood or tested apart. ' +
        'The DataStream API classes refer to each other in their types (DataStream and the streams it returns), ' +
        'which no-circular-at-run-time allows; a cycle through any other module is reported from that module.',
      severity: 'error',
      from: {
        path: '^(lib|actors)/',
        pathNot:
          '^lib/api/(BroadcastStream|CoGroupedStreams|ConnectedStreams|DataStream|IntervalJoin|JoinedStreams|KeyedStream|StreamExecutionEnvironment|WindowedStream)[.]ts$',
      },
      to: { circular: true },
    },
    {
      name: 'no-circular-at-run-time',
      comment:
        'Among themselves the DataStream API classes refer to each other only in types (DataStream.keyBy returns a ' +
        'KeyedStream, which extends DataStream): at run time DataStream constructs its derived streams through ' +
        'registerDerivedStream, so the modules load one way and an ES module build works.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-at-the-bottom',
      comment:
        'lib/core is what user functions see (function types, OutputTag, process functions, state descriptors, Time), ' +
        "as Flink's flink-core: it stands on nothing else in brook.",
      severity: 'error',
      from: { path: '^lib/core/' },
      to: { path: '^(lib/(?!core/)|actors/)' },
    },
    {
      name: 'nothing-below-api-imports-api',
      comment: 'Time, partitioners, windowing, connectors, the graph and the task runtime stand below the DataStream API.',
      severity: 'error',
      from: { path: '^lib/(core|time|partitioners|windowing|connectors|graph|runtime|util)/' },
      to: { path: '^lib/api/' },
    },
    {
      name: 'runtime-below-control-plane',
      comment: 'The task runtime and what it stands on know nothing of the control plane, the cluster port, REST or the CLI.',
      severity: 'error',
      from: { path: '^lib/(runtime|graph|partitioners|windowing|connectors|time|util)/' },
      to: { path: '^lib/(controlplane|cluster|rest|cli)/' },
    },
    {
      name: 'control-plane-below-api',
      comment:
        'The control plane and the cluster port stand below the DataStream API: of lib/api they use only the job-level ' +
        'data types that Flink keeps in flink-core (JobStatus, JobExecutionResult, JobClient).',
      severity: 'error',
      from: { path: '^lib/(controlplane|cluster)/' },
      to: { path: '^lib/api/', pathNot: '^lib/api/(JobStatus|JobExecutionResult|JobClient)[.]ts$' },
    },
    {
      name: 'control-plane-below-cluster-port',
      comment: 'The control plane is driven through its host port; it does not reach up to the cluster port, REST or the CLI.',
      severity: 'error',
      from: { path: '^lib/controlplane/' },
      to: { path: '^lib/(cluster|rest|cli)/' },
    },
    {
      name: 'not-to-spec',
      comment: 'Test code stays in spec/.',
      severity: 'error',
      from: { path: '^(lib|actors|samples|bench)/' },
      to: { path: '^spec/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
