// First script of every timing page, just before the contender's script: collects long tasks (buffered, so those
// before this point count too) and marks the moment the contender's script starts.
// `__takeLongTasks()` also collects the entries not yet delivered to the observer.
window.__longTasks = [];
{
  const collect = (entries) => entries.forEach((entry) => window.__longTasks.push({ start: entry.startTime, duration: entry.duration }));
  const observer = new PerformanceObserver((list) => collect(list.getEntries()));
  try {
    observer.observe({ type: 'longtask', buffered: true });
  } catch { /* no Long Tasks API: none are reported */ }
  window.__takeLongTasks = () => {
    collect(observer.takeRecords());
    return window.__longTasks;
  };
}
window.__scriptStart = performance.now();
