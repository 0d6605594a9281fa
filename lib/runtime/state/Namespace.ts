/**
 * A namespace splits one key's state further: by window for window state, none (VOID_NAMESPACE)
 * for plain keyed state, a string for an operator's own timers. Namespaces are compared by
 * value: primitives with ===, objects (windows) with their `equals`.
 */
export type Namespace = null | string | number | { equals(other: unknown): boolean };

export const VOID_NAMESPACE = null;

/** Turns a namespace back from its plain (structured-cloned) form into the live object. */
export type NamespaceRestorer<N> = (plain: unknown) => N;

export function sameNamespace(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && a !== null && typeof (a as { equals?: unknown }).equals === 'function'
    ? (a as { equals(o: unknown): boolean }).equals(b)
    : false;
}

/** Primitive namespaces come back as themselves. */
export const restorePrimitiveNamespace: NamespaceRestorer<never> = (plain) => plain as never;
