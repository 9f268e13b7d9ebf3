// Lookups keyed by run-supplied names (metric, param and column names). On a plain object, `record[name]` answers
// `__proto__`, `constructor`, `toString`… from Object.prototype; these answer only what the record itself holds.

/** `record[key]` when `key` is the record's own property, else undefined. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Whether `record` itself (not its prototype) has `key`. */
export function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}
