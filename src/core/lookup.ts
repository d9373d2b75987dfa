/**
 * `table[key]` for keys taken from the code under analysis. A plain object literal inherits
 * `toString`, `valueOf`, `constructor`…, so `table['valueOf']` is a function: a call named
 * `valueOf(x)` was reported as a weak cipher and a weak hash before this was used.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
