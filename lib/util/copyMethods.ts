/**
 * Copies methods from one class's prototype to another's: the TypeScript mixin pattern, for a
 * class that already extends another and so cannot also extend the class that implements them.
 * The target declares them by merging an interface that extends the source class.
 */
export function copyMethods<S extends object>(target: { prototype: object }, source: { prototype: S }, names: readonly (keyof S & string)[]): void {
  for (const name of names) {
    Object.defineProperty(target.prototype, name, {
      value: source.prototype[name],
      writable: true,
      configurable: true,
    });
  }
}
