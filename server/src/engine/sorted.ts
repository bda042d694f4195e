// Binary search over sorted offsets, for the facts the engine looks up by position.

/** The first index of `values` (sorted ascending) whose value is at least `value`; `values.length` when none is. */
export function lowerBound(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
