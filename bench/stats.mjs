// Small statistics helpers shared by the workers and the orchestrator.

/** Median of numbers (NaN for an empty list). */
export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Nearest-rank percentile (p in 0..100) of a numeric array or typed array. */
export const percentile = (values, p) => {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
};

export const min = (values) => Math.min(...values.filter((v) => Number.isFinite(v)));
