// A small element builder: h('tag.class', {attributes, onclick}, ...children).
export function h(spec, attributes = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const element = document.createElement(tag || 'div');
  if (classes.length) element.className = classes.join(' ');
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function mount(target, ...children) {
  target.replaceChildren();
  append(target, children);
}

export function table(headers, rows, empty = '暂无数据') {
  if (!rows.length) return h('p.empty', {}, empty);
  return h('div.table-wrap', {},
    h('table', {}, h('thead', {}, h('tr', {}, headers.map((name) => h('th', {}, name)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))));
}

export function field(labelText, control) {
  return h('label.field', {}, h('span', {}, labelText), control);
}

export function select(name, choices, attributes = {}) {
  return h('select', { name, ...attributes }, choices.map(({ value, name: text }) => h('option', { value }, text)));
}

// A form whose submit collects its named fields and runs `action`; errors are shown in the form.
export function form(attributes, fields, submitText, action) {
  const message = h('p.form-error', { role: 'alert' });
  const element = h('form', attributes, fields, h('button', { type: 'submit' }, submitText), message);
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    const button = element.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await action(new FormData(element), element);
    } catch (error) {
      message.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

export function toast(text) {
  const box = document.getElementById('toast');
  box.textContent = text;
  box.classList.add('shown');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove('shown'), 3000);
}
