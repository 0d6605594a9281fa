/** One app tracking event. */
export interface TrackingEvent {
  readonly user: string;
  readonly event: 'open' | 'view' | 'search' | 'cart' | 'purchase' | 'close';
  /** Event time, epoch ms. */
  readonly t: number;
}

const at = (h: number, m: number, s: number): number => Date.UTC(2026, 10, 27, h, m, s);

/**
 * A morning of app events as the tracking pipeline delivers them: in arrival order, some a few
 * seconds out of order, two of them minutes late (a phone that was offline).
 */
export const TRACKING_EVENTS: readonly TrackingEvent[] = [
  { user: 'ann', event: 'open', t: at(9, 0, 0) },
  { user: 'ann', event: 'search', t: at(9, 0, 12) },
  { user: 'bob', event: 'open', t: at(9, 0, 20) },
  { user: 'ann', event: 'view', t: at(9, 0, 31) },
  { user: 'ann', event: 'view', t: at(9, 0, 29) }, // 2 s out of order
  { user: 'bob', event: 'view', t: at(9, 0, 48) },
  { user: 'ann', event: 'cart', t: at(9, 0, 55) },
  { user: 'cat', event: 'open', t: at(9, 1, 0) },
  { user: 'bob', event: 'close', t: at(9, 1, 2) },
  { user: 'ann', event: 'purchase', t: at(9, 1, 20) },
  { user: 'cat', event: 'view', t: at(9, 1, 25) },
  { user: 'ann', event: 'close', t: at(9, 1, 30) },
  { user: 'cat', event: 'view', t: at(9, 1, 40) },
  { user: 'cat', event: 'search', t: at(9, 2, 5) },
  { user: 'cat', event: 'close', t: at(9, 2, 20) },
  { user: 'bob', event: 'open', t: at(9, 2, 30) }, // bob's second session
  { user: 'bob', event: 'search', t: at(9, 2, 52) },
  { user: 'bob', event: 'view', t: at(9, 1, 10) }, // minutes late: bob's first session is closed
  { user: 'bob', event: 'cart', t: at(9, 3, 15) },
  { user: 'bob', event: 'purchase', t: at(9, 3, 40) },
  { user: 'bob', event: 'close', t: at(9, 3, 55) },
  { user: 'ann', event: 'open', t: at(9, 4, 0) },
  { user: 'cat', event: 'view', t: at(9, 2, 30) }, // late as well
  { user: 'ann', event: 'view', t: at(9, 4, 10) },
  { user: 'ann', event: 'view', t: at(9, 4, 7) }, // 3 s out of order
  { user: 'ann', event: 'close', t: at(9, 4, 25) },
];
