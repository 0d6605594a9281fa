import { Transformation } from './Transformation';

/**
 * Refuses a job whose event-time operator (an event-time window, an interval join) gets records
 * without timestamps, when its graph is built (at execute or explain). Flink finds this only at
 * the first record ("Record has Long.MIN_VALUE timestamp (= no timestamp marker)"), which in a
 * streaming job may be long after it started.
 *
 * Records have timestamps after a source that attaches them (a reader that says
 * `attachesTimestamps`, or `fromSource` with a WatermarkStrategy that has a timestamp assigner),
 * after assignTimestampsAndWatermarks with an assigner, and after any window (its results carry
 * the window's end). Other operators keep their input's. Only what is sure to fail is refused: a
 * union fails when any of its inputs has none (those records reach the window), a two-input
 * operator (connect, broadcast) only when neither input has any, as its function may emit only
 * for the input that does.
 */
export function checkEventTimeInputs(transformations: readonly Transformation[]): void {
  const memo = new Map<number, string | undefined>();

  /** The name of a source whose records arrive here without timestamps, or undefined. */
  const withoutTimestamps = (t: Transformation): string | undefined => {
    if (memo.has(t.id)) return memo.get(t.id);
    let result: string | undefined;
    switch (t.kind) {
      case 'source': {
        const assigns = t.watermarkStrategy !== undefined && !t.watermarkStrategy.usesRecordTimestamps();
        result = t.source.attachesTimestamps === true || assigns ? undefined : t.settings.name;
        break;
      }
      case 'oneInput':
        result = (t.timestamps ?? 'passes') === 'passes' ? withoutTimestamps(t.input) : undefined;
        break;
      case 'twoInput': {
        if ((t.timestamps ?? 'passes') !== 'passes') break;
        const first = withoutTimestamps(t.input1);
        result = first !== undefined && withoutTimestamps(t.input2) !== undefined ? first : undefined;
        break;
      }
      case 'union':
        result = t.inputs.map(withoutTimestamps).find((name) => name !== undefined);
        break;
      case 'partition':
      case 'sideOutput':
      case 'sink':
        result = withoutTimestamps(t.input);
        break;
    }
    memo.set(t.id, result);
    return result;
  };

  for (const t of transformations) {
    if ((t.kind !== 'oneInput' && t.kind !== 'twoInput') || t.timestamps !== 'requires') continue;
    const inputs = t.kind === 'oneInput' ? [t.input] : [t.input1, t.input2];
    for (const input of inputs) {
      const source = withoutTimestamps(input);
      if (source === undefined) continue;
      throw new Error(
        `${t.settings.name} works on event time, but the records of source '${source}' reach it without timestamps. ` +
          'Call assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness(…).withTimestampAssigner((e) => …)) before it, ' +
          'or read from a source that attaches timestamps (fromSource with a WatermarkStrategy that has a timestamp assigner), ' +
          'or use a processing-time window.',
      );
    }
  }
}
