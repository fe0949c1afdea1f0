/**
 * Freezes `value` and everything reachable from it, so a snapshot handed to many readers
 * cannot be changed by one of them. `Object.freeze` alone leaves a `Map` writable, so
 * maps (and sets) also get `set`/`add`/`delete`/`clear` that throw a `TypeError`, as
 * writing to a frozen object does in strict mode.
 *
 * Meant for the plain data the backend returns (objects, arrays, maps, primitives); it
 * changes the given value in place and returns it.
 * @internal
 */
export function deepFreeze<T>(value: T): T {
  freeze(value, new WeakSet());
  return value;
}

function freeze(value: unknown, seen: WeakSet<object>): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Map) {
    for (const [key, item] of value) {
      freeze(key, seen);
      freeze(item, seen);
    }
    lock(value, ["set", "delete", "clear"]);
  } else if (value instanceof Set) {
    for (const item of value) freeze(item, seen);
    lock(value, ["add", "delete", "clear"]);
  } else {
    for (const key of Reflect.ownKeys(value)) freeze((value as Record<PropertyKey, unknown>)[key], seen);
  }
  Object.freeze(value);
}

function lock(collection: object, methods: readonly string[]): void {
  for (const method of methods) {
    Object.defineProperty(collection, method, {
      value: () => {
        throw new TypeError(`Cannot ${method} on a frozen ${collection.constructor.name}`);
      },
    });
  }
}
