// Complaints (CMP): the list with filters and search, filing one, and every CMP-4 step on its page.
import { ApiError, api, post, session } from '../api.js';
import { field, form, h, mount, select, table, toast } from '../dom.js';
import { chinaTime, dateTime, day, nowLocalInput } from '../format.js';
import { label, options } from '../labels.js';
import { attachments, badge, bodyOf, card, facts, historyList, input, noData, textArea } from './common.js';

const FILERS = ['customer_service', 'sales', 'quality_manager'];

function complaintRows(items) {
  return items.map((item) => [
    h('a', { href: `#/complaints/${item.id}` }, item.complaint_no),
    label('complaintKind', item.kind), badge('complaintStatus', item.status), label('severity', item.severity),
    item.complainant?.name, item.product?.model || '—', dateTime(item.reply_by),
    item.overdue ? h('span.badge.warn', {}, '逾期') : '',
  ]);
}

const LIST_HEADERS = ['备案编号', '类别', '状态', '严重程度', '投诉人', '型号', '回复期限', ''];

// A whole 备案编号 (TS-20261124-0007) opens its complaint; anything else is intake's free-text search
// over number, complainant, phone, model and description.
const COMPLAINT_NO = /^TS-\d{8}-\d{4,}$/i;

async function complaintNumbered(text) {
  if (!COMPLAINT_NO.test(text)) return null;
  try {
    return await api('intake', `/v1/complaints/${encodeURIComponent(text.toUpperCase())}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function newComplaintForm() {
  const productFields = h('fieldset.product', {}, h('legend', {}, '产品'),
    field('型号', input('model')), field('数量', input('quantity', { type: 'number', min: 1 })),
    field('生产批号', input('batch_no')), field('生产日期', input('production_date', { type: 'date' })));
  const aspect = field('服务方面', select('service_aspect', [{ value: '', name: '—' }, ...options('serviceAspect')]));
  return form({ class: 'grid', id: 'new-complaint' }, [
    field('类别', select('kind', options('complaintKind'), { required: true })),
    aspect,
    field('渠道', select('channel', options('channel'))),
    field('严重程度', select('severity', options('severity'))),
    field('客户编号', input('customer_id')),
    field('投诉人', input('complainant_name', { required: true })),
    field('电话', input('complainant_phone', { type: 'tel' })),
    field('受理时间', input('received_at', { type: 'datetime-local', value: nowLocalInput(), required: true })),
    productFields,
    field('投诉内容', textArea('description', { required: true, rows: 3 })),
  ], '提交投诉', async (data) => {
    const body = {
      kind: data.get('kind'), channel: data.get('channel'), severity: data.get('severity'),
      complainant: { name: data.get('complainant_name') }, description: data.get('description'),
      received_at: chinaTime(data.get('received_at')),
    };
    if (data.get('complainant_phone')) body.complainant.phone = data.get('complainant_phone');
    if (data.get('customer_id')) body.customer_id = data.get('customer_id');
    if (body.kind === 'service') body.service_aspect = data.get('service_aspect') || 'other';
    else {
      body.product = bodyOf(data, { numbers: ['quantity'] });
      for (const name of ['kind', 'channel', 'severity', 'customer_id', 'complainant_name', 'complainant_phone',
        'received_at', 'description', 'service_aspect']) delete body.product[name];
    }
    const created = await post('intake', '/v1/complaints', body, { idempotent: true });
    toast(`已受理 ${created.complaint_no}`);
    window.location.hash = `#/complaints/${created.id}`;
  });
}

export async function complaintsPage(main) {
  const results = h('div');
  const filters = form({ class: 'filters' }, [
    field('状态', select('status', [{ value: '', name: '全部' }, ...options('complaintStatus')])),
    field('类别', select('kind', [{ value: '', name: '全部' }, ...options('complaintKind')])),
    field('严重程度', select('severity', [{ value: '', name: '全部' }, ...options('severity')])),
    field('型号', input('model')), field('生产批号', input('batch_no')),
    field('仅逾期', h('input', { type: 'checkbox', name: 'overdue' })),
  ], '筛选', async (data) => {
    const query = bodyOf(data);
    if (query.overdue) query.overdue = 'true';
    const page = await api('intake', '/v1/complaints', { query: { ...query, limit: 50 } });
    mount(results, table(LIST_HEADERS, complaintRows(page.items)));
  });
  const search = form({ class: 'search', role: 'search' },
    field('搜索 (编号、投诉人、电话、内容)', input('q', { type: 'search', required: true })), '搜索', async (data) => {
      const text = data.get('q').trim();
      const numbered = await complaintNumbered(text);
      if (numbered) {
        window.location.hash = `#/complaints/${numbered.id}`;
        return;
      }
      const found = await api('intake', '/v1/complaints', { query: { q: text, limit: 50 } });
      mount(results, table(LIST_HEADERS, complaintRows(found.items), '没有找到'));
    });
  const page = await api('intake', '/v1/complaints', { query: { limit: 50 } });
  mount(results, table(LIST_HEADERS, complaintRows(page.items)));
  mount(main,
    h('h1', {}, '投诉'),
    session.has(...FILERS) ? h('details.card', {}, h('summary', {}, '新建投诉'), newComplaintForm()) : null,
    h('section.card', {}, search, filters, results));
}

// The form of each step: its fields and how they become the body the API takes.
const STEPS = {
  investigate: { fields: () => [field('调查说明', textArea('note'))] },
  reply: { fields: () => [field('原因', textArea('cause', { required: true })),
    field('处理结果', textArea('resolution', { required: true })), field('改进措施', textArea('improvement', { required: true }))] },
  'return-visit': { fields: () => [field('客户反馈', textArea('feedback', { required: true })),
    field('满意度', select('satisfaction', [5, 4, 3, 2, 1].map((n) => ({ value: n, name: `${n} 分` }))))],
  numbers: ['satisfaction'] },
  close: { fields: () => [field('结案总结', textArea('summary'))] },
  reject: { fields: () => [field('不成立理由', textArea('reason', { required: true }))] },
  handover: { fields: () => [field('移交给 (工号)', input('to', { required: true })), field('姓名', input('to_name')),
    field('说明', textArea('note'))] },
  escalate: { fields: () => [field('升级理由', textArea('reason', { required: true }))], roles: ['quality_manager'] },
  severity: { fields: () => [field('严重程度', select('severity', options('severity'))),
    field('理由', textArea('reason', { required: true }))], roles: ['quality_manager'] },
  decision: { fields: () => [field('启动产品回收程序', h('input', { type: 'checkbox', name: 'recall' })),
    field('启动企业危机处理程序', h('input', { type: 'checkbox', name: 'crisis_handling' })),
    field('理由', textArea('reason', { required: true }))], booleans: ['recall', 'crisis_handling'], roles: ['executive'] },
};

function stepForms(complaint, reload) {
  const open = !['closed', 'rejected'].includes(complaint.status);
  const actions = [...complaint.allowed_actions];
  if (open) actions.push('escalate', 'severity');
  if (open && complaint.severity === 'serious' && !complaint.decision) actions.push('decision');
  const shown = [...new Set(actions)].filter((action) => STEPS[action] && (!STEPS[action].roles || session.has(...STEPS[action].roles)));
  if (!shown.length) return card('处理步骤', noData('此投诉已办结, 没有可执行的步骤'));
  return card('处理步骤', h('div.steps', {}, shown.map((action) => {
    const step = STEPS[action];
    return h('details.step', { dataset: { action } }, h('summary', {}, label('complaintAction', action)),
      form({ dataset: { action } }, step.fields(), label('complaintAction', action), async (data) => {
        await post('intake', `/v1/complaints/${complaint.id}/${action}`,
          bodyOf(data, { numbers: step.numbers || [], booleans: step.booleans || [] }));
        toast(`${label('complaintAction', action)}: 已完成`);
        await reload();
      }));
  })));
}

function incidentCard(incident) {
  if (!incident) return card('质量事故', noData('尚无关联事故 (分级服务处理后显示)'));
  return card('质量事故', facts([
    ['事故', h('a', { href: `#/incidents/${incident.id}` }, label('incidentLevel', incident.level))],
    ['问题等级', label('problemLevel', incident.problem_level)], ['状态', badge('incidentStatus', incident.status)],
  ]));
}

// A status change is kept as [from, to] (the first entry: [null, "received"]).
function describeChange(entry) {
  const status = entry.changes?.status;
  if (!status) return label('complaintAction', entry.action);
  const [from, to] = Array.isArray(status) ? status : [status.from, status.to ?? status];
  return [label('complaintAction', entry.action), ': ', from ? `${label('complaintStatus', from)} → ` : '',
    label('complaintStatus', to)];
}

export async function complaintPage(main, id) {
  const reload = () => complaintPage(main, id);
  const [complaint, history, comparison] = await Promise.all([
    api('intake', `/v1/complaints/${id}`), api('intake', `/v1/complaints/${id}/history`),
    api('intake', `/v1/complaints/${id}/comparison`),
  ]);
  const canUpload = session.has('quality_manager') || session.person()?.sub === complaint.owner;
  mount(main,
    h('h1', {}, `投诉 ${complaint.complaint_no} `, badge('complaintStatus', complaint.status, 'big')),
    card('投诉信息', facts([
      ['类别', label('complaintKind', complaint.kind)],
      complaint.service_aspect && ['服务方面', label('serviceAspect', complaint.service_aspect)],
      ['严重程度', [label('severity', complaint.severity), complaint.severity_reason ? ` (${label('severityReason', complaint.severity_reason)})` : '']],
      ['渠道', label('channel', complaint.channel)], ['客户', complaint.customer_id],
      ['客户等级', label('tier', complaint.customer_tier)],
      ['投诉人', `${complaint.complainant.name}${complaint.complainant.phone ? ` · ${complaint.complainant.phone}` : ''}`],
      complaint.product && ['产品', `${complaint.product.model} · 批号 ${complaint.product.batch_no || '—'} · 生产日期 ${day(complaint.product.production_date)} · ${complaint.product.quantity ?? '—'} 件`],
      ['投诉内容', complaint.description], ['受理时间', dateTime(complaint.received_at)],
      ['调查期限', dateTime(complaint.investigate_by)], ['回复期限', dateTime(complaint.reply_by)],
      ['逾期', complaint.overdue ? h('span.badge.warn', {}, '逾期') : '否'], ['负责人', complaint.owner],
      complaint.reply && ['回复', `${complaint.reply.cause} / ${complaint.reply.resolution} / ${complaint.reply.improvement} (签发: ${complaint.reply.signed_by_name || complaint.reply.signed_by})`],
      complaint.return_visit && ['回访', `${complaint.return_visit.feedback} (满意度 ${complaint.return_visit.satisfaction})`],
      complaint.decision && ['最高决策层决定', `产品回收: ${complaint.decision.recall ? '是' : '否'}; 危机处理: ${complaint.decision.crisis_handling ? '是' : '否'}; ${complaint.decision.reason}`],
      complaint.warnings.length && ['提示', complaint.warnings.join('; ')],
    ])),
    stepForms(complaint, reload),
    incidentCard(complaint.incident),
    await attachments('intake', `/v1/complaints/${id}`, { canUpload, onUploaded: reload }),
    card('同批次/同型号对比', facts([['同批次投诉', `${comparison.same_batch_count} 起, ${comparison.same_batch_quantity} 件`],
      ['同型号其他批次', `${comparison.same_model_count} 起`]]),
    table(['备案编号', '状态', '批号', '受理时间'], [...comparison.same_batch, ...comparison.same_model].map((item) => [
      h('a', { href: `#/complaints/${item.id}` }, item.complaint_no), label('complaintStatus', item.status), item.batch_no || '—',
      dateTime(item.received_at)]), '90 天内没有同型号投诉')),
    card('处理记录', historyList(history.items, describeChange)));
}
