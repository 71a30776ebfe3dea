// The pickers of the threat model and triage views: groups of checkboxes whose ticks are the
// view's state in the URL (#view?param=ID,ID&...). pickerView loads what to offer, builds the
// form, writes the ticks into the URL on submit, ticks the boxes again from the URL on a link or
// Back, and calls run with what is ticked.
import { h, fill, checkboxes, checked } from './ui.js';

/** listParam reads a comma-separated list from the URL's parameters. */
export const listParam = (params, name) => (params.get(name) || '').split(',').filter(Boolean);

/**
 * pickerView fills form and returns the view's {update, unmount}.
 *   view     the view's name in the URL (#threat, #triage)
 *   load     async () => [{param, legend, name, items: [{value, label, group}], grouped}], the
 *            groups of boxes, each stored in the URL under param; null when loading failed
 *   submit   {id, label} of the submit button; extra: more controls beside it
 *   run      (values) => …, values is {param: [ticked values]}; called on submit, on every URL
 *            change, and on the first load when the URL ticks anything
 */
export function pickerView(form, params, { view, load, submit, extra = [], run }) {
  let fields = null;
  const read = (p) => Object.fromEntries(fields.map((f) => [f.param, listParam(p, f.param)]));
  const hashOf = (values) => {
    const p = new URLSearchParams();
    for (const f of fields) if (values[f.param].length) p.set(f.param, values[f.param].join(','));
    const q = p.toString().replaceAll('%2C', ',');
    return q ? `#${view}?${q}` : `#${view}`;
  };

  async function init() {
    const loaded = await load();
    if (!loaded) return;
    fields = loaded;
    const values = read(params);
    for (const f of fields) {
      f.box = checkboxes(f.legend, f.name, f.items, new Set(values[f.param]), f.grouped ? (i) => i.group : undefined);
    }
    fill(form, fields.map((f) => f.box), h('div', { class: 'row' }, h('button', { type: 'submit', id: submit.id }, submit.label), extra));
    form.onsubmit = (e) => {
      e.preventDefault();
      const ticked = Object.fromEntries(fields.map((f) => [f.param, checked(f.box)]));
      const hash = hashOf(ticked);
      if (location.hash === hash) run(ticked); else location.hash = hash;
    };
    if (Object.values(values).some((v) => v.length)) run(values);
  }

  init();
  return {
    update(p) {
      params = p;
      if (!fields) return;
      const values = read(p);
      for (const f of fields) for (const i of f.box.querySelectorAll('input')) i.checked = values[f.param].includes(i.value);
      run(values);
    },
    unmount() {},
  };
}
