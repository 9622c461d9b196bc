// Pieces several pages share: status badges, attachments, history lists, "no data yet" notes.
import { api, download, upload } from '../api.js';
import { field, form, h, table } from '../dom.js';
import { label } from '../labels.js';
import { dateTime } from '../format.js';

export function badge(table_, value, tone = '') {
  return h(`span.badge${tone ? `.${tone}` : ''}`, { dataset: { value: value ?? '' } }, label(table_, value));
}

export function facts(pairs) {
  return h('dl.facts', {}, pairs.filter(Boolean).map(([name, value]) => [h('dt', {}, name), h('dd', {}, value ?? '—')]));
}

export function card(title, ...children) {
  return h('section.card', {}, h('h2', {}, title), children);
}

// Text fields of a form as a body: empty ones left out, named numbers turned into numbers.
export function bodyOf(data, { numbers = [], booleans = [] } = {}) {
  const body = {};
  for (const [name, value] of data.entries()) {
    if (typeof value !== 'string' || value.trim() === '') continue;
    body[name] = numbers.includes(name) ? Number(value) : value.trim();
  }
  for (const name of booleans) body[name] = data.get(name) === 'on';
  return body;
}

export function textArea(name, attributes = {}) {
  return h('textarea', { name, rows: 2, ...attributes });
}

export function input(name, attributes = {}) {
  return h('input', { name, ...attributes });
}

// An object's attachments (ATT-4): listed with their download, and an upload form when allowed.
export async function attachments(service, objectPath, { canUpload = true, onUploaded } = {}) {
  const list = await api(service, `${objectPath}/attachments`);
  const rows = list.items.map((item) => [
    h('button.link', { type: 'button', onclick: () => download(service, `/v1/attachments/${item.id}`, item.name) }, item.name),
    item.content_type, `${Math.ceil(item.size / 1024)} KB`, dateTime(item.uploaded_at),
  ]);
  const section = card('附件', table(['文件', '类型', '大小', '上传时间'], rows, '暂无附件'));
  section.classList.add('attachments');
  if (canUpload) {
    section.append(form({ class: 'upload' }, field('上传文件', h('input', { type: 'file', name: 'file', required: true })),
      '上传', async (data) => {
        const added = await upload(service, `${objectPath}/attachments`, data.get('file'));
        if (onUploaded) await onUploaded(added);
      }));
  }
  return section;
}

export function historyList(items, describe) {
  return h('ol.history', {}, items.map((entry) => h('li', {},
    h('time', {}, dateTime(entry.at)), ' ', h('strong', {}, entry.actor_name || entry.actor), ' ', describe(entry))));
}

// What a page shows where an API it will use does not answer yet (or answers no rows).
export function noData(text = '暂无数据') {
  return h('p.empty', {}, text);
}
