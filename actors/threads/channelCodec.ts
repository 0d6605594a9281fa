import { SubtaskMessage } from '../messages';
import { ColumnarValues, decodeColumns, encodeColumns } from './ColumnarBatch';

/** A record batch as it crosses a port: values as columns when they have one shape, else as they are. */
interface PortBatch {
  readonly type: 'records';
  readonly channel: number;
  readonly values?: readonly unknown[];
  readonly columns?: ColumnarValues;
  readonly timestamps: Float64Array;
}

/**
 * How a subtask message crosses a MessagePort. A record batch's timestamps move as a
 * Float64Array whose buffer is transferred; its values go as columns (ColumnarBatch: strings,
 * numbers, flat records of one shape) or else by structured clone (Dates, Maps and nested
 * objects survive, as the records need). Every other message (watermarks, end of input,
 * credit, barriers) is plain data and is cloned as is. Measured with `node dist/bench/transport.js`
 * (see the README).
 */
export function encodeForPort(message: SubtaskMessage): { readonly message: unknown; readonly transfer: ArrayBuffer[] } {
  if (message.type !== 'records') return { message, transfer: [] };
  // new Float64Array(array) copies with a fast path; Float64Array.from goes through the iterator.
  const timestamps = message.timestamps instanceof Float64Array ? message.timestamps : new Float64Array(message.timestamps as number[]);
  const transfer: ArrayBuffer[] = [timestamps.buffer as ArrayBuffer];
  const values = message.values as readonly unknown[];
  const columns = encodeColumns(values, transfer);
  const batch: PortBatch = columns
    ? { type: 'records', channel: message.channel, columns, timestamps }
    : { type: 'records', channel: message.channel, values, timestamps };
  return { message: batch, transfer };
}

/** The receiving side: structured clone rebuilt the message; columns become records again. */
export function decodeFromPort(message: unknown): SubtaskMessage {
  const m = message as SubtaskMessage | PortBatch;
  if (m.type === 'records' && 'columns' in m && m.columns !== undefined) {
    return { type: 'records', channel: m.channel, values: decodeColumns(m.columns), timestamps: m.timestamps };
  }
  return m as SubtaskMessage;
}
