// Incidents (CLS): by level, and on its page the 归零 checklist with evidence, emergency steps and its sources.
import { api, post, put, session } from '../api.js';
import { field, form, h, mount, select, table, toast } from '../dom.js';
import { dateTime, day, money } from '../format.js';
import { label, options } from '../labels.js';
import { attachments, badge, bodyOf, card, facts, input, noData, textArea } from './common.js';

function incidentRows(items) {
  return items.map((item) => [
    h('a', { href: `#/incidents/${item.id}` }, label('incidentLevel', item.level)), badge('incidentStatus', item.status),
    label('origin', item.origin), item.model || '—', day(item.production_date), item.shipped_batch_no || '—',
    label('problemLevel', item.problem_level), item.emergency ? h('span.badge.warn', {}, '应急预案') : '',
    dateTime(item.created_at),
  ]);
}

const HEADERS = ['级别', '状态', '来源', '型号', '生产日期', '出厂批', '问题等级', '', '立案时间'];

export async function incidentsPage(main) {
  const results = h('div');
  const show = async (query) => {
    const page = await api('classification', '/v1/incidents', { query: { ...query, limit: 50 } });
    mount(results, table(HEADERS, incidentRows(page.items)));
  };
  const filters = form({ class: 'filters' }, [
    field('级别', select('level', [{ value: '', name: '全部' }, ...options('incidentLevel')])),
    field('状态', select('status', [{ value: '', name: '全部' }, ...options('incidentStatus')])),
    field('型号', input('model')), field('出厂批', input('shipped_batch_no')),
    field('搜索 (型号、描述、出厂批)', input('q', { type: 'search' })),
  ], '筛选', (data) => show(bodyOf(data)));
  await show({});
  mount(main, h('h1', {}, '质量事故'), h('section.card', {}, filters, results));
}

function reasonText(reason) {
  const observed = reason.fact === 'loss_amount' ? money(reason.observed) : reason.observed;
  const threshold = reason.fact === 'loss_amount' ? money(reason.threshold) : reason.threshold;
  return `${reason.rule} ${label('fact', reason.fact)}: ${observed ?? '—'}${threshold !== null && threshold !== undefined ? ` (阈值 ${threshold})` : ''}`;
}

function zeroingCard(incident, zeroing, files, reload) {
  const writable = session.has('quality_manager') && incident.status === 'open';
  const groups = ['technical', 'management', 'four_not_let_go'];
  const body = groups.map((group) => h('div.zeroing-group', {}, h('h3', {}, label('zeroingGroup', group)),
    h('ul.checklist', {}, zeroing.items.filter((item) => item.group === group).map((item) => h('li', {
      dataset: { item: item.item, done: String(item.done) } },
    h('span.check', { 'aria-label': item.done ? '已完成' : '未完成' }, item.done ? '✔' : '○'), ' ',
    h('strong', {}, label('zeroingItem', item.item)),
    item.done ? h('p.muted', {}, `${item.evidence}${item.attachments.length ? ` · 附件 ${item.attachments.length} 个` : ''}`) : null,
    writable && !item.done ? form({ class: 'evidence', dataset: { item: item.item } }, [
      field('证据', textArea('evidence', { required: true })),
      field('附件', select('attachment', [{ value: '', name: '—' }, ...files.map((file) => ({ value: file.id, name: file.name }))])),
    ], '记录', async (data) => {
      const attachment = data.get('attachment');
      await put('classification', `/v1/incidents/${incident.id}/zeroing/${item.item}`,
        { evidence: data.get('evidence'), attachments: attachment ? [attachment] : [] });
      toast(`${label('zeroingItem', item.item)}: 已记录`);
      await reload();
    }) : null)))));
  const missing = Object.entries(zeroing.missing || {}).filter(([, items]) => items.length);
  return card(`归零 ${zeroing.required ? '(本事故须归零)' : '(非必需)'}`, body,
    missing.length ? h('p.muted', {}, `尚缺: ${missing.map(([group, items]) => `${label('zeroingGroup', group)} ${items.length} 项`).join('; ')}`) : null);
}

function emergencyCard(incident, emergency, reload) {
  if (!emergency.emergency) {
    const flag = session.has('quality_manager') && incident.status === 'open'
      ? h('details', {}, h('summary', {}, '启动应急预案'), form({ class: 'emergency' }, [
        field('触发条件', select('trigger', options('emergencyTrigger'))),
        field('件数', input('pieces', { type: 'number', min: 1 })),
      ], '启动', async (data) => {
        const trigger = { trigger: data.get('trigger') };
        if (data.get('pieces')) trigger.pieces = Number(data.get('pieces'));
        await post('classification', `/v1/incidents/${incident.id}/emergency`, { triggers: [trigger] });
        await reload();
      }))
      : null;
    return card('应急预案', noData('未启动'), flag);
  }
  return card('应急预案', h('ol.steps-list', {}, emergency.steps.map((step) => h('li', { dataset: { step: step.step } },
    step.done ? '✔ ' : '○ ', label('emergencyStep', step.step),
    step.done ? h('span.muted', {}, ` ${step.done_by_name || step.done_by} ${dateTime(step.done_at)} ${step.note || ''}`) : null,
    !step.done && step.step === emergency.next_step && session.has('quality_manager')
      ? form({ class: 'inline' }, [field('说明', input('note', { required: true }))], '完成', async (data) => {
        await post('classification', `/v1/incidents/${incident.id}/emergency/steps/${step.step}`, { note: data.get('note') });
        await reload();
      }) : null))));
}

function closeCard(incident, reload) {
  if (incident.status !== 'open' || !session.has('quality_manager')) return null;
  return card('关闭事故', form({ id: 'close-incident' }, [field('关闭总结', textArea('summary', { required: true }))], '关闭',
    async (data) => {
      await post('classification', `/v1/incidents/${incident.id}/close`, { summary: data.get('summary') });
      toast('事故已关闭');
      await reload();
    }));
}

function sourcesCard(incident, lines) {
  const sources = incident.origin === 'complaint'
    ? incident.source_ids.map((id) => h('li', {}, h('a', { href: `#/complaints/${id}` }, `投诉 ${id.slice(0, 8)}`)))
    : incident.source_ids.slice(0, 20).map((id) => h('li', {}, id));
  return card(`来源 (${incident.source_count})`, h('ul.sources', {}, sources),
    lines ? table(['退货行', '型号', '生产日期', '出厂批', '数量'], lines.items.map((line) => [
      line.line_id, line.model, day(line.production_date), line.shipped_batch_no, line.quantity])) : null);
}

export async function incidentPage(main, id) {
  const reload = () => incidentPage(main, id);
  const incident = await api('classification', `/v1/incidents/${id}`);
  const [zeroing, emergency, files, lines] = await Promise.all([
    api('classification', `/v1/incidents/${id}/zeroing`), api('classification', `/v1/incidents/${id}/emergency`),
    api('classification', `/v1/incidents/${id}/attachments`),
    incident.origin === 'returns' ? api('classification', `/v1/incidents/${id}/return-lines`, { query: { limit: 20 } }) : null,
  ]);
  mount(main,
    h('h1', {}, `${label('incidentLevel', incident.level)} `, badge('incidentStatus', incident.status, 'big')),
    card('事故信息', facts([
      ['来源', label('origin', incident.origin)], ['型号', incident.model], ['生产日期', day(incident.production_date)],
      ['出厂批', incident.shipped_batch_no], ['问题等级', label('problemLevel', incident.problem_level)],
      ['原因类别', label('cause', incident.cause_category)],
      ['责任部门', label('department', incident.responsible_department)], ['责任人', incident.responsible_head],
      ['直接经济损失', money(incident.loss_amount)], ['分级依据', h('ul', {}, incident.reasons.map((r) => h('li', {}, reasonText(r))))],
      ['立案时间', dateTime(incident.created_at)], incident.closed_at && ['关闭时间', dateTime(incident.closed_at)],
      incident.closing_summary && ['关闭总结', incident.closing_summary],
    ])),
    sourcesCard(incident, lines),
    await attachments('classification', `/v1/incidents/${id}`, { canUpload: session.has('quality_manager') && incident.status === 'open', onUploaded: reload }),
    zeroingCard(incident, zeroing, files.items, reload),
    emergencyCard(incident, emergency, reload),
    closeCard(incident, reload));
}
