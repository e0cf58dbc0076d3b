// The knowledge base: the list of entries (search, category filter, export and import) and one
// entry's form. A saved entry is live in the retriever within seconds, without training.
import {api, download} from "./api.js";
import {button, el, field, table} from "./dom.js";
import {go, guard, show} from "./frame.js";
import {can, current, enc, lines} from "./state.js";
import {t} from "./text.js";
import {boxValue, confirming, importer, searchBox} from "./widgets.js";

const categories = new Set(); // every category seen, for the filter and the form's suggestions

export async function viewKnowledge(id, query, mine) {
  if (id || query.has("new")) return viewEntry(id, mine);
  const list = el("div", {});
  const search = searchBox(query.get("q"), guard(load), "kb-search");
  const category = el("select", {"data-test": "kb-filter-category", onchange: guard(load)});
  async function load() {
    const entries = await api("GET", "/knowledge?q=" + enc(boxValue(search)) + "&category=" + enc(category.value));
    if (!current(mine)) return;
    entries.forEach((entry) => categories.add(entry.category));
    const chosen = category.value;
    category.replaceChildren(el("option", {value: ""}, t("allCategories")),
      [...categories].sort().map((c) => el("option", {value: c}, c)));
    category.value = chosen;
    list.replaceChildren(entries.length ? table([t("kbId"), t("category"), t("zhSide"), t("enSide")],
      entries.map((entry) => el("tr", {"data-test": "kb-row", "data-id": entry.id},
        el("td", {}, el("a", {href: "#/knowledge/" + enc(entry.id), "data-test": "kb-link"}, entry.id)),
        el("td", {}, entry.category), el("td", {lang: "zh-CN"}, entry.zh ? entry.zh.question : "—"),
        el("td", {lang: "en"}, entry.en ? entry.en.question : "—"))), "kb")
      : el("p", {class: "ad-empty"}, t("nothingFound")));
  }
  await load();
  show(mine, el("h2", {}, t("nav_knowledge")),
    el("div", {class: "ad-row"}, search, field(t("category"), category),
      can("editor") ? el("a", {href: "#/knowledge?new=1", class: "ad-button ad-primary", "data-test": "kb-new"}, t("kbNew")) : null),
    list,
    el("section", {class: "ad-card"}, el("div", {class: "ad-row"},
      ["jsonl", "csv"].map((format) => button(t("exportAs", format.toUpperCase()),
        guard(() => download("/knowledge/export?format=" + format, "knowledge." + format)), "kb-export-" + format))),
    can("editor") ? importer("/knowledge/import", "kb-import", true) : null));
}

async function viewEntry(id, mine) {
  const entry = id ? await api("GET", "/knowledge/" + enc(id)) : {id: "", category: "", source: ""};
  if (!current(mine)) return;
  const editable = can("editor");
  const input = (test, value, extra) => el("input", Object.assign({value: value || "", "data-test": test}, extra));
  const area = (test, value, rows) => el("textarea", {value: value || "", rows, "data-test": test});
  const idInput = input("kb-id", entry.id, {required: true, readonly: Boolean(id)});
  const categoryInput = input("kb-category", entry.category, {list: "ad-categories"});
  const sourceInput = input("kb-source", entry.source);
  const sides = {};
  const fieldsets = ["zh", "en"].map((language) => {
    const side = entry[language] || {};
    const lang = language === "zh" ? "zh-CN" : "en";
    sides[language] = {question: input("kb-" + language + "-question", side.question, {lang}),
      paraphrases: area("kb-" + language + "-paraphrases", (side.paraphrases || []).join("\n"), 5),
      answer: area("kb-" + language + "-answer", side.answer, 5)};
    sides[language].paraphrases.lang = sides[language].answer.lang = lang;
    return el("fieldset", {class: "ad-side"}, el("legend", {}, t(language + "Side")),
      field(t("question"), sides[language].question), field(t("paraphrases"), sides[language].paraphrases),
      field(t("answer"), sides[language].answer));
  });
  const save = guard(async (event) => {
    event.preventDefault();
    const data = Object.assign({}, entry, {id: idInput.value.trim(), category: categoryInput.value.trim(),
      source: sourceInput.value.trim()});
    delete data.version;
    for (const [language, side] of Object.entries(sides)) {
      const value = {question: side.question.value.trim(), paraphrases: lines(side.paraphrases.value),
        answer: side.answer.value.trim()};
      // A language left empty is left out: an entry may be in one language only.
      if (value.question || value.answer || value.paraphrases.length) data[language] = value;
      else delete data[language];
    }
    const saved = id ? await api("PUT", "/knowledge/" + enc(id), Object.assign(data, {version: entry.version}))
      : await api("POST", "/knowledge", data);
    go("#/knowledge/" + enc(saved.id), t("saved"));
  });
  show(mine, el("p", {}, el("a", {href: "#/knowledge"}, "← " + t("allEntries"))),
    el("h2", {}, id || t("kbNew")),
    el("form", {class: "ad-card", onsubmit: save, "data-test": "kb-form"},
      el("fieldset", {class: "ad-plain", disabled: !editable},
        el("div", {class: "ad-row"}, field(t("kbId"), idInput), field(t("category"), categoryInput),
          field(t("source"), sourceInput)),
        el("datalist", {id: "ad-categories"}, [...categories].map((c) => el("option", {value: c}))),
        el("div", {class: "ad-sides"}, fieldsets)),
      editable ? el("div", {class: "ad-bar"}, el("button", {type: "submit", class: "ad-primary", "data-test": "kb-save"}, t("save")),
        id ? confirming(t("deleteEntry"), t("deleteEntryQ"), async () => {
          await api("DELETE", "/knowledge/" + enc(id) + "?version=" + enc(entry.version));
          go("#/knowledge", t("deleted"));
        }, "kb-delete", "ad-danger") : null) : null));
}
