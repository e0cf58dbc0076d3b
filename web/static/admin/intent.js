// One intent's page: its examples by language, each edited in place (its text and the entities
// marked in it), moved to another intent or deleted. Edits stay in the page until Save, which
// sends the whole list with the version it was read at.
import {api} from "./api.js";
import {badge, button, el, field} from "./dom.js";
import {clearNotice, go, guard, notice, reload, show} from "./frame.js";
import {can, current, enc, languageOf, nextId, state} from "./state.js";
import {t} from "./text.js";
import {confirming} from "./widgets.js";

// The text with its marked entities highlighted and named.
function annotated(text, entities) {
  const parts = [];
  let at = 0;
  for (const mark of [...entities].sort((a, b) => a.start - b.start)) {
    if (mark.start < at || mark.end > text.length) continue;
    parts.push(text.slice(at, mark.start), el("mark", {class: "ad-entity", "data-entity": mark.entity},
      text.slice(mark.start, mark.end), el("small", {}, mark.entity)));
    at = mark.end;
  }
  parts.push(text.slice(at));
  return parts;
}

// After the text is edited, marks follow their words (or are dropped if the words are gone).
function relocated(text, marks) {
  const kept = [];
  for (const mark of marks) {
    const start = text.slice(mark.start, mark.end) === mark.value ? mark.start : text.indexOf(mark.value);
    const end = start + mark.value.length;
    if (start < 0 || !mark.value || kept.some((k) => k.start < end && start < k.end)) continue;
    kept.push(Object.assign({}, mark, {start, end}));
  }
  return kept.sort((a, b) => a.start - b.start);
}

export async function viewIntent(name, mine) {
  const [intent, entityNames, others] = await Promise.all([api("GET", "/intents/" + enc(name)),
    api("GET", "/entities").catch(() => []),
    api("GET", "/intents").then((all) => all.map((i) => i.name)).catch(() => [])]);
  if (!current(mine)) return;
  const page = intentPage(name, intent, entityNames, others);
  const adding = adder(page);
  draw(page);
  show(mine, el("p", {}, el("a", {href: "#/intents"}, "← " + t("allIntents"))),
    el("h2", {"data-test": "intent-name"}, name, intent.faq ? badge(t("faqBadge")) : null),
    el("p", {class: "ad-muted"}, t("fileIs", intent.file || "")),
    intent.faq ? el("p", {}, el("a", {href: "#/responses?q=" + enc(name), "data-test": "intent-answer-link"}, t("editAnswer"))) : null,
    page.editable ? adding : null, page.groups, page.editable ? bar(page) : null);
}

// What the page's parts share: the examples as edited so far and which one is open.
function intentPage(name, intent, entityNames, others) {
  const page = {name, intent, entityNames, others, editable: can("editor"),
    examples: intent.examples.map((e) => ({text: e.text, language: e.language || languageOf(e.text),
      entities: (e.entities || []).map((mark) => Object.assign({}, mark))})),
    open: null, // the example being edited
    moving: null, // the example being moved
    groups: el("div", {class: "ad-groups"}),
    status: el("span", {class: "ad-unsaved", "data-test": "intent-status"})};
  page.saveButton = button(t("save"), guard(() => save(page)), "intent-save", {class: "ad-primary", disabled: true});
  page.discardButton = button(t("discard"), () => { state.dirty = false; reload(); }, "intent-discard", {disabled: true});
  return page;
}

function changed(page) {
  state.dirty = true;
  page.saveButton.disabled = page.discardButton.disabled = false;
  page.status.textContent = t("unsaved");
}

async function save(page) {
  if (page.examples.some((e) => !e.text.trim())) return notice(t("emptyExample"), "error");
  await api("PUT", "/intents/" + enc(page.name), {version: page.intent.version,
    examples: page.examples.map((e) => ({text: e.text.trim(), entities: e.entities}))});
  state.dirty = false;
  reload(t("saved"));
}

// Save, Drop changes, the unsaved mark and Delete under the examples.
function bar(page) {
  return el("div", {class: "ad-bar"}, page.saveButton, page.discardButton, page.status,
    confirming(t("deleteIntent"), t("deleteIntentQ"), async () => {
      await api("DELETE", "/intents/" + enc(page.name) + "?version=" + enc(page.intent.version));
      state.dirty = false;
      go("#/intents", t("deleted"));
    }, "intent-delete", "ad-danger"));
}

// The examples again, in two groups by language (after any change to the list or the open one).
function draw(page) {
  page.groups.replaceChildren(...["zh", "en"].map((language) => {
    const group = page.examples.filter((e) => e.language === language);
    return el("section", {class: "ad-group", "data-test": "examples-" + language,
      lang: language === "zh" ? "zh-CN" : "en"}, el("h3", {}, t(language + "Examples") + " (" + group.length + ")"),
      group.length ? el("ul", {class: "ad-examples"}, group.map((example) => exampleItem(page, example)))
        : el("p", {class: "ad-empty"}, t("noExamples")));
  }));
}

function exampleItem(page, example) {
  const row = el("li", {class: "ad-example", "data-test": "example", "data-text": example.text});
  if (example === page.open) {
    row.append(exampleEditor(page, example));
    return row;
  }
  row.append(el("span", {class: "ad-example-text"}, annotated(example.text, example.entities)));
  if (page.editable) row.append(exampleActions(page, example));
  if (example === page.moving) row.append(mover(page, example));
  return row;
}

// Edit and Move open their form under the example and put the focus in it.
function exampleActions(page, example) {
  const focusing = (editing, selector) => () => {
    [page.open, page.moving] = editing ? [example, null] : [null, example];
    draw(page);
    page.groups.querySelector(selector).focus();
  };
  return el("span", {class: "ad-actions"},
    button(t("edit"), focusing(true, "[data-test=example-text]"), "example-edit"),
    button(t("move"), focusing(false, "[data-test=move-target]"), "example-move"),
    button(t("delete"), () => {
      page.examples.splice(page.examples.indexOf(example), 1);
      changed(page);
      draw(page);
    }, "example-delete"));
}

// The open example: its text, a preview of its marks, and the controls to mark more.
function exampleEditor(page, example) {
  const id = "ad-ex-" + nextId();
  const edit = {example,
    base: example.entities.slice(), // the marks as last set by hand; typing relocates these
    input: el("input", {id, class: "ad-wide", value: example.text, "data-test": "example-text",
      "aria-describedby": id + "-help", maxlength: 500}),
    preview: el("div", {class: "ad-preview", "data-test": "example-preview", "aria-hidden": "true"}),
    chips: el("ul", {class: "ad-chips", "aria-label": t("entitiesLabel")}),
    choice: page.entityNames.length ? el("select", {id: id + "-entity", "data-test": "entity-select"},
      page.entityNames.map((n) => el("option", {value: n}, n))) : el("input", {id: id + "-entity", "data-test": "entity-select"})};
  const close = () => {
    page.open = null;
    example.language = languageOf(example.text);
    draw(page);
  };
  edit.input.addEventListener("keydown", (event) => { if (event.key === "Enter") close(); });
  edit.input.addEventListener("input", () => {
    example.text = edit.input.value;
    example.entities = relocated(example.text, edit.base);
    changed(page);
    showMarks(page, edit);
  });
  showMarks(page, edit);
  return el("div", {class: "ad-editor"}, el("label", {for: id}, t("exampleText")), edit.input, edit.preview,
    el("small", {id: id + "-help", class: "ad-help"}, t("markHelp")),
    el("div", {class: "ad-row"}, el("label", {for: edit.choice.id}, t("entity")), edit.choice,
      button(t("markEntity"), () => markSelection(page, edit), "entity-mark"),
      button(t("done"), close, "example-done", {class: "ad-primary"})),
    edit.chips);
}

// The open example's marks: highlighted in the preview, and listed with a button to remove each.
function showMarks(page, edit) {
  const {example} = edit;
  edit.preview.replaceChildren(...annotated(example.text, example.entities));
  edit.chips.replaceChildren(...example.entities.map((mark, index) => el("li", {"data-test": "entity", "data-entity": mark.entity},
    el("mark", {class: "ad-entity"}, mark.value, el("small", {}, mark.entity)),
    button("×", () => {
      example.entities.splice(index, 1);
      edit.base = example.entities.slice();
      changed(page);
      showMarks(page, edit);
    }, "entity-remove", {class: "ad-x", "aria-label": t("removeEntity", mark.entity, mark.value)}))));
}

function markSelection(page, edit) {
  // The input keeps its selection while the dropdown or this button has the focus.
  const {example, input} = edit;
  const text = example.text;
  let start = input.selectionStart;
  let end = input.selectionEnd;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (start == null || start >= end) return notice(t("selectFirst"), "error");
  if (example.entities.some((m) => m.start < end && start < m.end)) return notice(t("overlap"), "error");
  const entity = edit.choice.value.trim();
  if (!entity) return notice(t("pickEntity"), "error");
  example.entities.push({start, end, entity, value: text.slice(start, end)});
  example.entities.sort((a, b) => a.start - b.start);
  edit.base = example.entities.slice();
  clearNotice();
  changed(page);
  showMarks(page, edit);
}

// Moving goes to the server at once (the example leaves this intent), so edits must be saved first.
function mover(page, example) {
  const target = el("select", {"data-test": "move-target"}, el("option", {value: ""}, t("chooseIntent")),
    page.others.filter((n) => n !== page.name).map((n) => el("option", {value: n}, n)));
  return el("div", {class: "ad-row ad-inline-form"}, field(t("moveTo"), target),
    button(t("move"), guard(async () => {
      if (!target.value) return notice(t("chooseIntent"), "error");
      if (state.dirty) return notice(t("saveFirst"), "error");
      await api("POST", "/examples/move", {text: example.text, source: page.name, target: target.value});
      reload(t("moved", target.value));
    }), "move-confirm", {class: "ad-primary"}),
    button(t("cancel"), () => { page.moving = null; draw(page); }, "move-cancel"));
}

// A new example is added to its language's group and opened for marking entities straight away.
function adder(page) {
  const newText = el("input", {class: "ad-wide", maxlength: 500, "data-test": "example-new-text"});
  return el("form", {class: "ad-row ad-add", onsubmit: (event) => {
    event.preventDefault();
    const text = newText.value.trim();
    if (!text) return;
    if (page.examples.some((e) => e.text === text)) return notice(t("duplicate"), "error");
    const example = {text, language: languageOf(text), entities: []};
    page.examples.push(example);
    page.open = example;
    page.moving = null;
    newText.value = "";
    changed(page);
    draw(page);
  }}, field(t("newExample"), newText), el("button", {type: "submit", "data-test": "example-add"}, t("add")));
}
