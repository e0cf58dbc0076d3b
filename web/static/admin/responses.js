// The responses page: every response's Chinese and English text, each edited in place.
import {api} from "./api.js";
import {button, el, field} from "./dom.js";
import {guard, notice, show} from "./frame.js";
import {can, current, enc} from "./state.js";
import {t} from "./text.js";
import {boxValue, searchBox} from "./widgets.js";

export async function viewResponses(arg, query, mine) {
  const list = el("div", {});
  const search = searchBox(query.get("q"), guard(load), "response-search");
  async function load() {
    const responses = await api("GET", "/responses?q=" + enc(boxValue(search)));
    if (!current(mine)) return;
    list.replaceChildren(responses.length ? el("ul", {class: "ad-cards"}, responses.map(card))
      : el("p", {class: "ad-empty"}, t("nothingFound")));
  }
  function card(response) {
    const box = el("li", {class: "ad-card", "data-test": "response", "data-name": response.name});
    const reading = () => box.replaceChildren(el("h3", {}, response.name),
      el("dl", {class: "ad-texts"}, el("dt", {}, t("zhText")), el("dd", {lang: "zh-CN"}, response.zh || "—"),
        el("dt", {}, t("enText")), el("dd", {lang: "en"}, response.en || "—")),
      ...(can("editor") ? [button(t("edit"), writing, "response-edit")] : []));
    const writing = () => {
      const zh = el("textarea", {rows: 4, lang: "zh-CN", value: response.zh || "", "data-test": "response-zh"});
      const en = el("textarea", {rows: 4, lang: "en", value: response.en || "", "data-test": "response-en"});
      box.replaceChildren(el("h3", {}, response.name), field(t("zhText"), zh), field(t("enText"), en),
        el("div", {class: "ad-row"}, button(t("save"), guard(async () => {
          await api("PUT", "/responses/" + enc(response.name), {zh: zh.value, en: en.value, version: response.version});
          notice(t("saved"));
          await load();
        }), "response-save", {class: "ad-primary"}), button(t("cancel"), reading, "response-cancel")));
      zh.focus();
    };
    reading();
    return box;
  }
  await load();
  show(mine, el("h2", {}, t("nav_responses")), search, list);
}
