// What every benchmark measures the same way: wall time and peak RSS while a step runs.

/** Peak resident set size while `fn` runs, sampled every 20 ms (`rss()` alone: the full memoryUsage walks the heap). */
export async function measured<T>(fn: () => Promise<T>) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started, peakRss: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

/** Megabytes with one decimal. */
export const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
/** Seconds with three decimals. */
export const s = (ms: number) => Math.round(ms) / 1000;
