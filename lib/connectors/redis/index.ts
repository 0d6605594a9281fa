// `brook/redis`: the Redis Streams connector. A subpath of its own so that `redis` stays an
// optional peer dependency: only a job that imports this entry needs it installed.
export { RedisStreamSource } from './RedisStreamSource';
export type { OnTrimmed, RedisStreamEntry, RedisStreamSourceOptions } from './RedisStreamSource';
export { RedisStreamSink } from './RedisStreamSink';
export type { RedisStreamSinkOptions, RedisTransaction } from './RedisStreamSink';
