import { SubtaskMessage } from '../messages';

/**
 * How a subtask message crosses a MessagePort. Record batches keep their values for structured
 * clone (Dates, Maps and nested objects survive, as the records need) and move their timestamps
 * as a Float64Array whose buffer is transferred, not copied; every other message (watermarks,
 * end of input, credit, barriers) is plain data and is cloned as is. Measured with
 * `node dist/bench/transport.js`: see the README (JSON bytes were slower for object records and
 * lose Dates; transferring the timestamps was as fast or faster than cloning them).
 */
export function encodeForPort(message: SubtaskMessage): { readonly message: unknown; readonly transfer: ArrayBuffer[] } {
  if (message.type !== 'records') return { message, transfer: [] };
  // new Float64Array(array) copies with a fast path; Float64Array.from goes through the iterator.
  const timestamps = message.timestamps instanceof Float64Array ? message.timestamps : new Float64Array(message.timestamps as number[]);
  return {
    message: { type: 'records', channel: message.channel, values: message.values, timestamps },
    transfer: [timestamps.buffer as ArrayBuffer],
  };
}

/** The receiving side: structured clone already rebuilt the message (the Float64Array included). */
export function decodeFromPort(message: unknown): SubtaskMessage {
  return message as SubtaskMessage;
}
