/**
 * A namespace splits one key's state further: by window for window state, none (VOID_NAMESPACE)
 * for plain keyed state, a string for an operator's own timers. Namespaces are compared by
 * value: primitives with ===, objects (windows) with their `equals`; an object may also have a
 * `hashCode()` consistent with `equals` (Flink hashes its windows too), which lets a key with
 * many namespaces find one without calling `equals` on each.
 */
export type Namespace = null | string | number | { equals(other: unknown): boolean; hashCode?(): number };

export const VOID_NAMESPACE = null;

/** Turns a namespace back from its plain (structured-cloned) form into the live object. */
export type NamespaceRestorer<N> = (plain: unknown) => N;

export function sameNamespace(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && a !== null && typeof (a as { equals?: unknown }).equals === 'function'
    ? (a as { equals(o: unknown): boolean }).equals(b)
    : false;
}

/**
 * A 32-bit code that is equal for namespaces that are the same (`sameNamespace`): compared
 * first, it rules out most namespaces of a key cheaply. Objects without `hashCode()` all share
 * code 0 (they are then told apart by `equals` alone, as before); strings hash by length, which
 * costs nothing and is enough to skip most of them.
 */
export function namespaceHash(namespace: unknown): number {
  switch (typeof namespace) {
    case 'number':
      return (namespace | 0) ^ ((namespace / 4294967296) | 0);
    case 'string':
      return namespace.length;
    case 'object': {
      if (namespace === null) return 0;
      const hashCode = (namespace as { hashCode?: unknown }).hashCode;
      return typeof hashCode === 'function' ? (hashCode.call(namespace) as number) | 0 : 0;
    }
    default:
      return 0;
  }
}

/** Primitive namespaces come back as themselves. */
export const restorePrimitiveNamespace: NamespaceRestorer<never> = (plain) => plain as never;
