import { MAX_WATERMARK } from '../../time/Watermark';
import { Window } from './Window';

/** Flink's GlobalWindow: the one window every element of a key belongs to; it never ends. */
export class GlobalWindow implements Window {
  private static readonly INSTANCE = new GlobalWindow();
  /** Survives structured cloning, so a restored snapshot recognises the window. */
  readonly kind = 'GlobalWindow';

  private constructor() {}

  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }

  maxTimestamp(): number {
    return MAX_WATERMARK;
  }

  equals(other: unknown): boolean {
    return other instanceof GlobalWindow;
  }

  hashCode(): number {
    return 0;
  }

  toString(): string {
    return 'GlobalWindow';
  }
}
