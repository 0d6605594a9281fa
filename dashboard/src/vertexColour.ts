/** What a task's box colour says, and the colour: Flink's web UI colours tasks the same way. */
export interface VertexColour {
  /** `busy`: shaded by busy time (white to red); `backpressured`: by backpressure (white to grey); `idle`: neither measured yet or both zero. */
  readonly kind: 'busy' | 'backpressured' | 'idle';
  readonly fill: string;
  readonly title: string;
}

/**
 * As in Flink's job graph: a task that spends its time working is red, the redder the busier;
 * one that spends its time waiting for credit downstream is grey, the darker the longer. The
 * larger of the two shares decides. A red task downstream of grey ones is the bottleneck.
 */
export function vertexColour(busy: number | null, backpressure: number | null): VertexColour {
  const b = clamp(busy);
  const p = clamp(backpressure);
  if (p > b) {
    return { kind: 'backpressured', fill: `hsl(0, 0%, ${Math.round(100 - 45 * p)}%)`, title: `back-pressured ${Math.round(p * 100)} % of the time` };
  }
  if (b > 0) return { kind: 'busy', fill: `hsl(0, 100%, ${Math.round(100 - 40 * b)}%)`, title: `busy ${Math.round(b * 100)} % of the time` };
  return { kind: 'idle', fill: 'hsl(0, 0%, 100%)', title: 'idle (or not measured yet)' };
}

function clamp(x: number | null): number {
  return x === null || Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x));
}
