import path from 'path';

/** The input that reproduces the seed lesson's table (see samples/ipcount/seed-access.log). */
export const SEED_LOG = path.join(__dirname, '../../samples/ipcount/seed-access.log');

/** The table printed in the seed lesson, at parallelism 4, in the order the lesson shows it. */
export const SEED_TABLE: readonly string[] = [
  '1> 18:40:10 192.168.1.2 23',
  '4> 18:40:10 192.168.1.4 16',
  '4> 18:40:15 192.168.1.4 27',
  '3> 18:40:15 192.168.1.3 23',
  '1> 18:40:15 192.168.1.2 25',
  '4> 18:40:15 192.168.1.1 21',
  '1> 18:40:20 192.168.1.2 21',
  '3> 18:40:20 192.168.1.3 31',
  '4> 18:40:20 192.168.1.1 25',
  '4> 18:40:20 192.168.1.4 26',
];
