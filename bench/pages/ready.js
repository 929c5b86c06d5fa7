// Runs right after the contender's script (classic scripts run in order): the tracker is ready, its keys read and
// its click listener added (the official contender reads its localStorage session lazily, on the first click).
window.__ready = performance.now();
