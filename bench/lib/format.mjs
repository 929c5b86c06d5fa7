// Number formatting for the report: times given in ms, shown in µs below 1 ms.

export const int = (value) => Math.round(value).toLocaleString('en-US');

/** 0.0123 → "12 µs", 4.06 → "4.06 ms". */
export const time = (ms) => (!Number.isFinite(ms) ? '–' : ms < 1 ? `${int(ms * 1000)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);

/** `value / base` as "2.3×" (one decimal; two below 1). */
export const ratio = (value, base) => (!(base > 0) || !Number.isFinite(value) ? '–' : `${(value / base).toFixed(value / base < 1 ? 2 : 1)}×`);

export const percent = (share) => `${(share * 100).toFixed(share == 1 ? 0 : 1)}%`;

/** A markdown table from a header row and rows of cells. */
export const table = (header, rows) =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
