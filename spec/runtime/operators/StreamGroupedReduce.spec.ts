import { OperatorHarness } from '../../harness/OperatorHarness';
import { operatorOf, subtaskOf } from '../../harness/operatorOf';

interface Sale {
  product: string;
  amount: number;
}

describe('rolling reduce (keyed state)', () => {
  const factory = operatorOf<Sale, Sale>((s) => s.keyBy('product').sum('amount'));

  it('emits the running sum per key', () => {
    const h = new OperatorHarness<Sale, Sale>(factory()).open();
    h.element({ product: 'tea', amount: 2 }, 1).element({ product: 'mug', amount: 5 }, 2).element({ product: 'tea', amount: 3 }, 3);
    expect(h.records()).toEqual([
      { value: { product: 'tea', amount: 2 }, timestamp: 1 },
      { value: { product: 'mug', amount: 5 }, timestamp: 2 },
      { value: { product: 'tea', amount: 5 }, timestamp: 3 },
    ]);
  });

  it('continues from a snapshot, also at another parallelism', () => {
    const products = ['tea', 'mug', 'pot', 'cup', 'jar', 'lid'];
    const h = new OperatorHarness<Sale, Sale>(factory()).open();
    products.forEach((p, i) => h.element({ product: p, amount: i + 1 }, i));
    const snapshot = h.snapshot();
    h.element({ product: 'tea', amount: 1000 }, 99); // after the barrier: lost on restore

    const parallelism = 2;
    const subtasks = [0, 1].map((i) => new OperatorHarness<Sale, Sale>(factory(), { subtaskIndex: i, parallelism }).initializeState(snapshot).open());
    for (const p of products) subtasks[subtaskOf(p, parallelism)].element({ product: p, amount: 10 }, 100);
    const totals = Object.fromEntries(subtasks.flatMap((s) => s.values()).map((v) => [v.product, v.amount]));
    expect(totals).toEqual({ tea: 11, mug: 12, pot: 13, cup: 14, jar: 15, lid: 16 });
  });
});
