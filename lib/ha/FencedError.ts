import { Fence } from './FencingToken';

/**
 * A write or commit was refused because its writer no longer holds the fence it presented: a
 * leader deposed by a newer one, or a TaskManager whose lease expired while it was paused. The
 * writer must stop acting; retrying cannot succeed.
 */
export class FencedError extends Error {
  override readonly name = 'FencedError';

  constructor(
    readonly fence: Fence,
    readonly action: string,
  ) {
    super(
      `${action} refused: the writer's fencing token ${fence.token} no longer holds ${fence.key} ` +
        '(its lease expired or a newer holder took over); it must stop acting and not retry',
    );
  }
}
