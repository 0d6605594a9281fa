import { SeededRandom } from '../../lib/util/SeededRandom';
import { Auction, Bid, NexmarkEvent, Person } from './model';

/** The nexmark/nexmark generator's constants (GeneratorConfig, NexmarkConfiguration defaults). */
const PERSON_PROPORTION = 1;
const AUCTION_PROPORTION = 3;
const TOTAL_PROPORTION = 50;
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const NUM_CATEGORIES = 5;
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
const NUM_IN_FLIGHT_AUCTIONS = 100;
const NUM_ACTIVE_PEOPLE = 1000;
const HOT_AUCTION_RATIO = 2;
const HOT_BIDDER_RATIO = 4;
const HOT_SELLER_RATIO = 4;
/** Hot ids are multiples of these (Nexmark's HOT_*_RATIO divisors in nextBase0…Id). */
const HOT_ID_STRIDE = 100;
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];

export interface NexmarkConfig {
  readonly seed: number;
  /** Event-time rate: consecutive events are 1e6 / eventsPerSecond µs apart (default 10 000/s). */
  readonly eventsPerSecond: number;
  readonly baseTime: number;
}

export const DEFAULT_NEXMARK_CONFIG: NexmarkConfig = { seed: 7, eventsPerSecond: 10_000, baseTime: Date.UTC(2026, 0, 1) };

/**
 * A seeded Nexmark event generator: event `n` is a pure function of (seed, n), as in nexmark's
 * generator (a Random seeded by the event id), so a parallel source can produce any subset of
 * the sequence. Mix, ids, hot keys, prices and event time follow NEXMARK.md.
 */
export class NexmarkGenerator {
  private readonly random = new SeededRandom(0);
  private readonly interEventDelayMs: number;
  /** A long random text; `extra` fields are slices of it, of the sizes Nexmark pads to. */
  private readonly filler: string;

  constructor(private readonly config: NexmarkConfig = DEFAULT_NEXMARK_CONFIG) {
    this.interEventDelayMs = 1000 / config.eventsPerSecond;
    const r = new SeededRandom(eventSeed(config.seed, 0x5eed));
    let s = '';
    for (let i = 0; i < 4096; i++) s += String.fromCharCode(97 + r.nextInt(26));
    this.filler = s;
  }

  event(n: number): NexmarkEvent {
    this.random.reseed(eventSeed(this.config.seed, n));
    const dateTime = Math.floor(this.config.baseTime + n * this.interEventDelayMs);
    const rem = n % TOTAL_PROPORTION;
    if (rem < PERSON_PROPORTION) return this.person(n, dateTime);
    if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) return this.auction(n, dateTime);
    return this.bid(n, dateTime);
  }

  private person(n: number, dateTime: number): Person {
    const r = this.random;
    const id = lastBase0PersonId(n) + FIRST_PERSON_ID;
    const name = `${FIRST_NAMES[r.nextInt(FIRST_NAMES.length)]} ${LAST_NAMES[r.nextInt(LAST_NAMES.length)]}`;
    return {
      kind: 'person',
      id,
      name,
      emailAddress: `${this.text(7)}@${this.text(5)}.com`,
      creditCard: `${1000 + r.nextInt(9000)} ${1000 + r.nextInt(9000)} ${1000 + r.nextInt(9000)} ${1000 + r.nextInt(9000)}`,
      city: CITIES[r.nextInt(CITIES.length)],
      state: STATES[r.nextInt(STATES.length)],
      dateTime,
      extra: this.text(130),
    };
  }

  private auction(n: number, dateTime: number): Auction {
    const r = this.random;
    const id = lastBase0AuctionId(n) + FIRST_AUCTION_ID;
    const seller = r.nextInt(HOT_SELLER_RATIO) > 0 ? Math.floor(lastBase0PersonId(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE : nextBase0PersonId(n, r);
    const initialBid = price(r);
    return {
      kind: 'auction',
      id,
      itemName: this.text(20),
      description: this.text(100),
      initialBid,
      reserve: initialBid + price(r),
      dateTime,
      expires: dateTime + 2000 + r.nextInt(18_000),
      seller: seller + FIRST_PERSON_ID,
      category: FIRST_CATEGORY_ID + r.nextInt(NUM_CATEGORIES),
      extra: this.text(300),
    };
  }

  private bid(n: number, dateTime: number): Bid {
    const r = this.random;
    const auction = r.nextInt(HOT_AUCTION_RATIO) > 0 ? Math.floor(lastBase0AuctionId(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE : nextBase0AuctionId(n, r);
    const bidder = r.nextInt(HOT_BIDDER_RATIO) > 0 ? Math.floor(lastBase0PersonId(n) / HOT_ID_STRIDE) * HOT_ID_STRIDE + 1 : nextBase0PersonId(n, r);
    const channel = r.nextInt(CHANNELS.length);
    return {
      kind: 'bid',
      auction: auction + FIRST_AUCTION_ID,
      bidder: bidder + FIRST_PERSON_ID,
      price: price(r),
      channel: CHANNELS[channel],
      url: `https://www.nexmark.com/${this.text(5)}/item.htm?query=1&channel_id=${channel}`,
      dateTime,
      extra: this.text(20),
    };
  }

  /** A pseudo-random lowercase text of `length` characters. */
  private text(length: number): string {
    const start = this.random.nextInt(this.filler.length - length);
    return this.filler.slice(start, start + length);
  }
}

/** Nexmark's price: 10^(U·6) · 100 cents, log-uniform between 1 $ and 1 M $. */
function price(r: SeededRandom): number {
  return Math.round(Math.pow(10, r.next() * 6) * 100);
}

function lastBase0PersonId(n: number): number {
  const epoch = Math.floor(n / TOTAL_PROPORTION);
  const offset = Math.min(n % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
  return epoch * PERSON_PROPORTION + offset;
}

function lastBase0AuctionId(n: number): number {
  const epoch = Math.floor(n / TOTAL_PROPORTION);
  let offset = n % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) {
    // Before this epoch's first auction: the last auction of the previous epoch.
    return Math.max(0, epoch * AUCTION_PROPORTION - 1);
  }
  offset = Math.min(offset - PERSON_PROPORTION, AUCTION_PROPORTION - 1);
  return epoch * AUCTION_PROPORTION + offset;
}

/** A person among the last NUM_ACTIVE_PEOPLE, or up to PERSON_ID_LEAD ahead. */
function nextBase0PersonId(n: number, r: SeededRandom): number {
  const numPeople = lastBase0PersonId(n) + 1;
  const active = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
  return numPeople - active + r.nextInt(active + PERSON_ID_LEAD);
}

/** An auction among the last NUM_IN_FLIGHT_AUCTIONS, or up to AUCTION_ID_LEAD ahead. */
function nextBase0AuctionId(n: number, r: SeededRandom): number {
  const max = lastBase0AuctionId(n);
  const min = Math.max(max - NUM_IN_FLIGHT_AUCTIONS, 0);
  return min + r.nextInt(max - min + 1 + AUCTION_ID_LEAD);
}

/** Event n's seed: depends only on (seed, n), so any subtask can generate any event. */
function eventSeed(seed: number, n: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(n + 1, 0xc2b2ae35)) >>> 0;
}
