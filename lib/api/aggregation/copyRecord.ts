/** A shallow copy that keeps the prototype (class instances stay instances; arrays stay arrays). */
export function copyRecord<T>(value: T): T {
  if (Array.isArray(value)) return value.slice() as T;
  if (value !== null && typeof value === 'object') {
    // Plain objects (the common record) copy by spread: several times faster than create+assign.
    if (Object.getPrototypeOf(value) === Object.prototype) return { ...value };
    return Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as object, value) as T;
  }
  return value;
}
