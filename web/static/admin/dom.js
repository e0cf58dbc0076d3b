// Small element builders. Text always goes in as text nodes (never as HTML), so nothing the
// server or a customer wrote can become markup.
import {nextId} from "./state.js";

export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  const properties = {};
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "value") properties.value = value; // set after the options exist
    else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat(3).filter((child) => child != null && child !== false));
  Object.assign(node, properties);
  return node;
}
export const button = (label, onclick, test, extra) =>
  el("button", Object.assign({type: "button", onclick, "data-test": test}, extra), label);
export const badge = (text, test, kind) => el("span", {class: "ad-badge " + (kind || ""), "data-test": test}, text);

// A labelled form control; the label's `for` needs the control's id.
export function field(label, control, help) {
  control.id = control.id || "ad-f" + nextId();
  const hint = help ? el("small", {id: control.id + "-help", class: "ad-help"}, help) : null;
  if (hint) control.setAttribute("aria-describedby", hint.id);
  return el("div", {class: "ad-field"}, el("label", {for: control.id}, label), control, hint);
}

// A form kept folded under its title until wanted (a <details>: keyboard and screen readers know it).
export const folded = (title, form, test) => el("details", {class: "ad-card ad-fold"},
  el("summary", {"data-test": test}, title), form);

export function table(headings, rows, test) {
  return el("table", {class: "ad-table", "data-test": test},
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", {scope: "col"}, h)))), el("tbody", {}, rows));
}
