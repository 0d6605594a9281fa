/**
 * Closes a switch over a discriminated union: the compiler rejects the call when a variant is
 * not handled (its type is not `never` there), and a value that slips past the types at run
 * time (an older peer's message, a cast) fails loudly instead of being dropped.
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const tag = (value as { type?: unknown; kind?: unknown }).type ?? (value as { kind?: unknown }).kind;
    if (tag !== undefined) return `'${String(tag)}'`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
