import type { BroadcastConnectedStream, BroadcastStream } from './BroadcastStream';
import type { CoGroupedStreams } from './CoGroupedStreams';
import type { ConnectedStreams } from './ConnectedStreams';
import type { JoinedStreams } from './JoinedStreams';
import type { KeyedStream } from './KeyedStream';

/** The classes DataStream's keyBy, connect, join, coGroup and broadcast construct. */
export interface DerivedStreamClasses {
  KeyedStream: typeof KeyedStream;
  ConnectedStreams: typeof ConnectedStreams;
  BroadcastStream: typeof BroadcastStream;
  BroadcastConnectedStream: typeof BroadcastConnectedStream;
  JoinedStreams: typeof JoinedStreams;
  CoGroupedStreams: typeof CoGroupedStreams;
}

/**
 * KeyedStream extends DataStream and the other derived streams take DataStreams, so their
 * modules load after DataStream's; DataStream reaches them here instead of importing them (an
 * import back would make the modules depend on each other while they load). Each derived module
 * registers its class when it loads; StreamExecutionEnvironment loads them all, and every stream
 * comes from an environment.
 */
const registered: Partial<DerivedStreamClasses> = {};

export function registerDerivedStream<N extends keyof DerivedStreamClasses>(name: N, streamClass: DerivedStreamClasses[N]): void {
  registered[name] = streamClass;
}

export function derivedStream<N extends keyof DerivedStreamClasses>(name: N): DerivedStreamClasses[N] {
  const streamClass = registered[name];
  if (streamClass === undefined) {
    throw new Error(`${name} is not loaded: import StreamExecutionEnvironment (or the brook package) before building streams`);
  }
  return streamClass as DerivedStreamClasses[N];
}
