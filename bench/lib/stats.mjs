// Summary statistics of timing samples (milliseconds in, as measured).

/** The q-quantile (0..1) of sorted values, by linear interpolation between the closest ranks. */
export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** Median, p95, mean, min, max and count of the samples. */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { n: sorted.length, median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), mean,
    min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

export const median = (values) => quantile(Float64Array.from(values).sort(), 0.5);
