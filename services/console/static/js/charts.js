// Charts as inline SVG: bars, a Pareto (bars and the cumulative share), stacked bars. No library.
const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 240;
const PAD = { left: 56, right: 48, top: 16, bottom: 48 };
const COLOURS = ['#b4232a', '#2a6fb4', '#d89614', '#3d8b4f', '#7a4fb4'];

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

function frame(title) {
  return svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart' }, svg('title', {}, title));
}

function scale(max) {
  return (value) => (H - PAD.bottom) - ((H - PAD.top - PAD.bottom) * value) / (max || 1);
}

function axis(chart, max, format) {
  const y = scale(max);
  for (const step of [0, 0.5, 1]) {
    const value = max * step;
    chart.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(value), y2: y(value), class: 'grid' }),
      svg('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'tick' }, format(value)));
  }
}

function slots(count) {
  const width = (W - PAD.left - PAD.right) / Math.max(count, 1);
  return { width, x: (index) => PAD.left + index * width };
}

function categoryLabels(chart, names, slot) {
  names.forEach((name, index) => chart.append(svg('text', { x: slot.x(index) + slot.width / 2, y: H - PAD.bottom + 16,
    'text-anchor': 'middle', class: 'tick' }, name)));
}

// rows: [{name, value}]
export function bars(title, rows, format = (v) => String(Math.round(v))) {
  const chart = frame(title);
  const max = Math.max(...rows.map((row) => row.value), 0);
  const y = scale(max);
  const slot = slots(rows.length);
  axis(chart, max, format);
  rows.forEach((row, index) => chart.append(svg('rect', { x: slot.x(index) + slot.width * 0.15, y: y(row.value),
    width: slot.width * 0.7, height: (H - PAD.bottom) - y(row.value), fill: COLOURS[0] },
  svg('title', {}, `${row.name}: ${format(row.value)}`))));
  categoryLabels(chart, rows.map((row) => row.name), slot);
  return chart;
}

// rows sorted by value, largest first, with the cumulative share drawn as a line on a 0–100 % axis.
export function pareto(title, rows) {
  const sorted = [...rows].sort((a, b) => b.value - a.value);
  const chart = bars(title, sorted);
  const total = sorted.reduce((sum, row) => sum + row.value, 0) || 1;
  const slot = slots(sorted.length);
  const y = scale(100);
  let running = 0;
  const points = sorted.map((row, index) => {
    running += row.value;
    return `${slot.x(index) + slot.width / 2},${y((100 * running) / total)}`;
  });
  chart.append(svg('polyline', { points: points.join(' '), fill: 'none', stroke: COLOURS[1], 'stroke-width': 2, class: 'cumulative' }),
    svg('text', { x: W - PAD.right + 6, y: y(100) + 4, class: 'tick' }, '100%'));
  return chart;
}

// series: [{name, rows: [{name, value}]}] sharing the same categories, stacked per category.
export function stacked(title, series, format) {
  const chart = frame(title);
  const categories = [...new Set(series.flatMap((one) => one.rows.map((row) => row.name)))].sort();
  const totals = categories.map((category) => series.reduce((sum, one) =>
    sum + (one.rows.find((row) => row.name === category)?.value || 0), 0));
  const max = Math.max(...totals, 0);
  const y = scale(max);
  const slot = slots(categories.length);
  axis(chart, max, format);
  categories.forEach((category, index) => {
    let base = 0;
    series.forEach((one, which) => {
      const value = one.rows.find((row) => row.name === category)?.value || 0;
      chart.append(svg('rect', { x: slot.x(index) + slot.width * 0.15, y: y(base + value), width: slot.width * 0.7,
        height: y(base) - y(base + value), fill: COLOURS[which % COLOURS.length] },
      svg('title', {}, `${category} ${one.name}: ${format(value)}`)));
      base += value;
    });
  });
  categoryLabels(chart, categories, slot);
  series.forEach((one, which) => chart.append(svg('text', { x: PAD.left + which * 120, y: H - 8, fill: COLOURS[which], class: 'legend' },
    `■ ${one.name}`)));
  return chart;
}
