// Plain-text tables for the terminal and the Markdown summary for the README.

export const ALL_LIBRARIES = ['neurite', 'tfjs-wasm', 'tfjs-cpu', 'brain.js', 'ConvNetJS', 'plain JS'];

/** 3 significant digits below 1000, whole numbers with separators above. */
export function formatNumber(value) {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

/** The ±% margin of error of a result, when there were at least two runs to compute it from. */
export function formatRme({ rme, runs }) {
  return runs > 1 ? formatNumber(rme) : '—';
}

export function formatRatio(ratio) {
  return ratio === undefined || !Number.isFinite(ratio) ? '—' : `${formatNumber(ratio)}×`;
}

/** Left-aligned first column, right-aligned others, two spaces apart. */
export function renderTable(headers, rows, indent = '  ') {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells) => indent + cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One section of a workload (e.g. "mnist-mlp train"): a row per library, with neurite ÷ peer. */
export function renderSection({ label, unit, results }) {
  const neurite = results.find((r) => r.library === 'neurite')?.rate;
  const showFlops = results.some((r) => r.gflops !== undefined);
  const headers = ['library', unit, ...(showFlops ? ['GFLOP/s'] : []), '±%', 'runs', 'neurite ÷ peer'];
  const rows = results.map((r) => [
    r.library,
    r.rate === undefined ? 'n/a' : formatNumber(r.rate),
    ...(showFlops ? [formatNumber(r.gflops)] : []),
    formatRme(r),
    r.runs === undefined ? '—' : String(r.runs),
    r.library === 'neurite' || r.rate === undefined ? '—' : formatRatio(neurite / r.rate),
  ]);
  const notes = results.filter((r) => r.note).map((r) => `  ${r.library}: ${r.note}`);
  return [`${label} (${unit})`, renderTable(headers, rows), ...notes].join('\n');
}

/**
 * The README table: a row per summary line { label, cells: { [library]: { value, text, note } } },
 * neurite ÷ each peer computed from the values, and numbered footnotes for the distinct notes.
 */
export function renderMarkdown(lines, footer) {
  // Only the libraries some line has a cell for (ConvNetJS runs only in the cnn workload).
  const LIBRARIES = ALL_LIBRARIES.filter((lib) => lib === 'neurite' || lines.some(({ cells }) => cells[lib]));
  const notes = [];
  const mark = (note) => {
    if (!note) return '';
    if (!notes.includes(note)) notes.push(note);
    return ` [${notes.indexOf(note) + 1}]`;
  };
  const row = (cells) => `| ${cells.join(' | ')} |`;
  const out = [
    row(['workload', ...LIBRARIES, 'neurite ÷ peer']),
    row(['---', ...LIBRARIES.map(() => '---:'), '---']),
  ];
  for (const { label, cells } of lines) {
    const neurite = cells.neurite?.value;
    const ratios = LIBRARIES.slice(1)
      .filter((lib) => cells[lib]?.value !== undefined && neurite !== undefined)
      .map((lib) => `${lib} ${formatRatio(neurite / cells[lib].value)}`);
    out.push(row([
      label,
      ...LIBRARIES.map((lib) => (cells[lib] ? `${cells[lib].text}${mark(cells[lib].note)}` : '—')),
      ratios.join(', ') || '—',
    ]));
  }
  return [...out, '', ...notes.map((note, i) => `[${i + 1}] ${note}`), ...(footer ? ['', footer] : [])].join('\n');
}

/** A section as one README row; `value` picks the number shown (the rate, or GFLOP/s). */
export function summaryLine({ label, unit, results }, value = (r) => r.rate) {
  const cells = results.map((r) => {
    const v = value(r);
    return [r.library, { value: v, text: v === undefined ? 'n/a' : formatNumber(v), note: r.note }];
  });
  return { label: `${label}, ${unit}`, cells: Object.fromEntries(cells) };
}
