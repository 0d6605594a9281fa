import { vertexColour } from '../../dashboard/src/vertexColour';

describe("a task's colour in the job graph (as Flink's web UI)", () => {
  it('is red by busy time, grey by backpressure, whichever share is larger, white when neither', () => {
    expect(vertexColour(0.9, 0.05)).toEqual({ kind: 'busy', fill: 'hsl(0, 100%, 64%)', title: 'busy 90 % of the time' });
    expect(vertexColour(0.1, 0.8)).toEqual({ kind: 'backpressured', fill: 'hsl(0, 0%, 64%)', title: 'back-pressured 80 % of the time' });
    expect(vertexColour(null, null).kind).toBe('idle');
    expect(vertexColour(0, 0).kind).toBe('idle');
    // The busier, the redder (lower lightness).
    const light = (x: number): number => Number(/(\d+)%\)$/.exec(vertexColour(x, 0).fill)![1]);
    expect(light(0.2)).toBeGreaterThan(light(0.6));
  });
});
