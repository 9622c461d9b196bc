// Management review: charts of each service's own aggregates (GET /v1/stats/… on intake, classification
// and sanctions). A chart whose API does not answer yet says so; the page never fails for it.
import { api } from '../api.js';
import { bars, pareto, stacked } from '../charts.js';
import { field, form, h, mount } from '../dom.js';
import { chinaMonth, money } from '../format.js';
import { label } from '../labels.js';
import { card, input, noData } from './common.js';

// The shapes each chart reads, every one {"items": [...]} for the months from…to (YYYY-MM, China time).
export const STATS = {
  complaintsPerMonth: { service: 'intake', path: '/v1/stats/complaints-per-month' }, // [{month, count}]
  onTime: { service: 'intake', path: '/v1/stats/on-time' }, // [{month, replied, on_time, on_time_pct}]
  incidentsByLevel: { service: 'classification', path: '/v1/stats/incidents-by-level' }, // [{level, count}]
  causes: { service: 'classification', path: '/v1/stats/causes' }, // [{cause_category, count}]
  losses: { service: 'classification', path: '/v1/stats/losses' }, // [{month, amount}]
  penalties: { service: 'sanctions', path: '/v1/stats/penalties' }, // [{month, amount}]
  worstModels: { service: 'classification', path: '/v1/stats/worst-models' }, // [{model, count, quantity}]
  supplierDefects: { service: 'classification', path: '/v1/stats/supplier-defects' }, // [{supplier, defect_class, count}]
};

async function items(name, range) {
  const { service, path } = STATS[name];
  try {
    return (await api(service, path, { query: range })).items;
  } catch {
    return null;
  }
}

function chartCard(title, name, rows, draw) {
  if (rows === null) return card(title, noData(`暂无数据 (等待 ${STATS[name].service} 的 GET ${STATS[name].path})`));
  if (!rows.length) return card(title, noData('所选月份暂无数据'));
  return card(title, draw(rows));
}

const yuan = (value) => money(value.toFixed(2));

export async function reviewPage(main, range = { from: chinaMonth(-11), to: chinaMonth(0) }) {
  const [perMonth, onTime, byLevel, causes, losses, penalties, models, suppliers] = await Promise.all(
    ['complaintsPerMonth', 'onTime', 'incidentsByLevel', 'causes', 'losses', 'penalties', 'worstModels', 'supplierDefects']
      .map((name) => items(name, range)));
  const costs = losses === null && penalties === null ? null : [
    { name: '直接经济损失', rows: (losses || []).map((row) => ({ name: row.month, value: Number(row.amount) })) },
    { name: '奖惩处罚', rows: (penalties || []).map((row) => ({ name: row.month, value: Number(row.amount) })) },
  ];
  const filters = form({ class: 'filters' }, [field('自', input('from', { type: 'month', value: range.from })),
    field('至', input('to', { type: 'month', value: range.to }))], '查看',
  (data) => reviewPage(main, { from: data.get('from'), to: data.get('to') }));
  mount(main, h('h1', {}, '管理评审'), h('section.card', {}, filters), h('div.charts', {},
    chartCard('每月投诉数', 'complaintsPerMonth', perMonth, (rows) => bars('每月投诉数', rows.map((r) => ({ name: r.month.slice(5), value: r.count })))),
    chartCard('按时回复率 (%)', 'onTime', onTime, (rows) => bars('按时回复率', rows.map((r) => ({ name: r.month.slice(5), value: Number(r.on_time_pct) })), (v) => `${Math.round(v)}%`)),
    chartCard('事故按级别', 'incidentsByLevel', byLevel, (rows) => bars('事故按级别', rows.map((r) => ({ name: label('incidentLevel', r.level), value: r.count })))),
    chartCard('原因帕累托 (人机料法环)', 'causes', causes, (rows) => pareto('原因帕累托', rows.map((r) => ({ name: label('cause', r.cause_category), value: r.count })))),
    chartCard('不良质量成本', 'losses', costs && costs.some((one) => one.rows.length) ? costs : (costs ? [] : null),
      (series) => stacked('不良质量成本', series, yuan)),
    chartCard('问题最多的型号', 'worstModels', models, (rows) => bars('问题最多的型号', rows.map((r) => ({ name: r.model, value: r.count })))),
    chartCard('供应商缺陷 (按类别)', 'supplierDefects', suppliers, (rows) => stacked('供应商缺陷', ['A', 'B', 'C'].map((defect) => ({
      name: `${defect}类`, rows: rows.filter((r) => r.defect_class === defect).map((r) => ({ name: r.supplier, value: r.count })) })), (v) => String(Math.round(v))))));
}
