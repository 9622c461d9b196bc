// Management review: charts of each service's own aggregates over the months from…to (YYYY-MM, China
// time): intake's complaints, classification's incidents, sanctions' rewards and penalties. A chart
// whose service does not answer says so; the page never fails for it.
import { api } from '../api.js';
import { bars, pareto, stacked } from '../charts.js';
import { field, form, h, mount } from '../dom.js';
import { chinaMonth, money } from '../format.js';
import { label } from '../labels.js';
import { card, input, noData } from './common.js';

export const STATS = {
  complaints: { service: 'intake', path: '/v1/stats/complaints' }, // {months: [{month, received, closed, on_time_percent, by_kind}], causes: [{cause, count}]}
  incidents: { service: 'classification', path: '/v1/stats/incidents' }, // {months: [{month, by_level, losses}], worst_models, supplier_defects}
  sanctions: { service: 'sanctions', path: '/v1/stats/sanctions' }, // {months: [{month, penalties: {count, amount}, rewards}]}
};

async function stats(name, range) {
  const { service, path } = STATS[name];
  try {
    return await api(service, path, { query: range });
  } catch {
    return null;
  }
}

function chartCard(title, name, rows, draw) {
  if (rows === null) return card(title, noData(`暂无数据 (${STATS[name].service} 的 GET ${STATS[name].path} 未应答)`));
  if (!rows.length) return card(title, noData('所选月份暂无数据'));
  return card(title, draw(rows));
}

const yuan = (value) => money(value.toFixed(2));
const shortMonth = (month) => month.slice(5);

function levelTotals(months) {
  const totals = {};
  months.forEach((row) => Object.entries(row.by_level).forEach(([level, count]) => {
    totals[level] = (totals[level] || 0) + count;
  }));
  return Object.entries(totals).map(([level, count]) => ({ level, count }));
}

function costSeries(incidents, sanctions) {
  if (incidents === null && sanctions === null) return null;
  const series = [
    { name: '直接经济损失', rows: (incidents?.months || []).map((row) => ({ name: shortMonth(row.month), value: Number(row.losses) })) },
    { name: '奖惩处罚', rows: (sanctions?.months || []).map((row) => ({ name: shortMonth(row.month), value: Number(row.penalties.amount) })) },
  ];
  return series.some((one) => one.rows.some((row) => row.value > 0)) ? series : [];
}

export async function reviewPage(main, range = { from: chinaMonth(-11), to: chinaMonth(0) }) {
  const [complaints, incidents, sanctions] = await Promise.all(['complaints', 'incidents', 'sanctions'].map((name) => stats(name, range)));
  const filters = form({ class: 'filters' }, [field('自', input('from', { type: 'month', value: range.from })),
    field('至', input('to', { type: 'month', value: range.to }))], '查看',
  (data) => reviewPage(main, { from: data.get('from'), to: data.get('to') }));
  const due = complaints?.months.filter((row) => row.on_time_percent !== null);
  mount(main, h('h1', {}, '管理评审'), h('section.card', {}, filters), h('div.charts', {},
    chartCard('每月投诉数', 'complaints', complaints && complaints.months.filter((row) => row.received),
      () => bars('每月投诉数', complaints.months.map((r) => ({ name: shortMonth(r.month), value: r.received })))),
    chartCard('按时回复率 (%)', 'complaints', complaints && due,
      (rows) => bars('按时回复率', rows.map((r) => ({ name: shortMonth(r.month), value: Number(r.on_time_percent) })), (v) => `${Math.round(v)}%`)),
    chartCard('投诉原因帕累托', 'complaints', complaints && complaints.causes,
      (rows) => pareto('投诉原因帕累托', rows.map((r) => ({ name: r.cause, value: r.count })))),
    chartCard('事故按级别', 'incidents', incidents && levelTotals(incidents.months).filter((row) => row.count),
      (rows) => bars('事故按级别', rows.map((r) => ({ name: label('incidentLevel', r.level), value: r.count })))),
    chartCard('不良质量成本', 'incidents', costSeries(incidents, sanctions), (series) => stacked('不良质量成本', series, yuan)),
    chartCard('问题最多的型号 (台数)', 'incidents', incidents && incidents.worst_models,
      (rows) => bars('问题最多的型号', rows.map((r) => ({ name: r.model, value: r.quantity })))),
    chartCard('供应商缺陷 (按类别)', 'incidents', incidents && incidents.supplier_defects,
      (rows) => bars('供应商缺陷', rows.map((r) => ({ name: `${r.defect_class}类`, value: r.count }))))));
}
