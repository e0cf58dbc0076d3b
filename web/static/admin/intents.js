// The intents page and the FAQ topics page: lists of intents, each with a form for a new one.
// One intent's examples are edited on its own page (intent.js).
import {api} from "./api.js";
import {badge, el, field, folded, table} from "./dom.js";
import {go, guard, show} from "./frame.js";
import {viewIntent} from "./intent.js";
import {can, current, enc, lines} from "./state.js";
import {t} from "./text.js";
import {boxValue, searchBox} from "./widgets.js";

const FAQ_GROUPS = ["faq_wealth", "faq_loan", "faq_service"];

export async function viewIntents(name, query, mine) {
  if (name) return viewIntent(name, mine);
  const list = el("div", {});
  const search = searchBox(query.get("q"), guard(load), "intent-search");
  async function load() {
    const intents = await api("GET", "/intents?q=" + enc(boxValue(search)));
    if (!current(mine)) return;
    list.replaceChildren(intents.length ? table([t("intent"), t("file"), t("zhCount"), t("enCount")],
      intents.map((intent) => el("tr", {"data-test": "intent-row", "data-name": intent.name},
        el("td", {}, el("a", {href: "#/intents/" + enc(intent.name), "data-test": "intent-link"}, intent.name),
          intent.faq ? badge(t("faqBadge")) : null),
        el("td", {}, intent.file), el("td", {class: "ad-num"}, String(intent.counts.zh)),
        el("td", {class: "ad-num"}, String(intent.counts.en)))), "intents")
      : el("p", {class: "ad-empty"}, t("nothingFound")));
  }
  await load();
  const newName = el("input", {required: true, "data-test": "intent-new-name"});
  const newFile = el("input", {"data-test": "intent-new-file"});
  const newExamples = el("textarea", {rows: 4, "data-test": "intent-new-examples"});
  // A new intent comes with its answer: the server writes the response and the rule too.
  const newAnswerZh = el("textarea", {rows: 2, required: true, lang: "zh-CN", "data-test": "intent-new-answer-zh"});
  const newAnswerEn = el("textarea", {rows: 2, required: true, lang: "en", "data-test": "intent-new-answer-en"});
  const create = el("form", {onsubmit: guard(async (event) => {
    event.preventDefault();
    const body = {name: newName.value.trim(), examples: lines(newExamples.value).map((text) => ({text, entities: []})),
      answer: {zh: newAnswerZh.value.trim(), en: newAnswerEn.value.trim()}};
    if (newFile.value.trim()) body.file = newFile.value.trim();
    await api("POST", "/intents", body);
    go("#/intents/" + enc(body.name), t("saved"));
  })}, el("div", {class: "ad-row"}, field(t("intentName"), newName),
    field(t("intentFile"), newFile)), field(t("examplesPerLine"), newExamples),
  el("div", {class: "ad-row"}, field(t("answerZh"), newAnswerZh), field(t("answerEn"), newAnswerEn)),
  el("button", {type: "submit", class: "ad-primary", "data-test": "intent-create"}, t("create")));
  show(mine, el("h2", {}, t("nav_intents")), can("editor") ? folded(t("newIntent"), create, "intent-new") : null,
    search, list);
}

export async function viewFaq(arg, query, mine) {
  const topics = await api("GET", "/faq");
  const list = el("div", {});
  const search = searchBox("", draw, "faq-search");
  function draw() {
    const needle = boxValue(search).toLowerCase();
    const shown = topics.filter((topic) => JSON.stringify(topic).toLowerCase().includes(needle));
    list.replaceChildren(shown.length ? table(
      [t("topicName"), t("zhCount"), t("enCount"), t("answerZh"), t("answerEn"), ""],
      shown.map(({name, counts = {}, answer = {}}) => el("tr", {"data-test": "faq-row", "data-name": name},
        el("td", {}, el("a", {href: "#/intents/" + enc(name), "data-test": "faq-examples-link"}, name)),
        el("td", {class: "ad-num"}, String(counts.zh)), el("td", {class: "ad-num"}, String(counts.en)),
        el("td", {class: "ad-clip", lang: "zh-CN"}, answer.zh || ""),
        el("td", {class: "ad-clip", lang: "en"}, answer.en || ""),
        el("td", {}, el("a", {href: "#/responses?q=" + enc(name), "data-test": "faq-answer-link"}, t("editAnswer"))))),
      "faq") : el("p", {class: "ad-empty"}, t("nothingFound")));
  }
  draw();
  const group = el("select", {"data-test": "faq-group"},
    FAQ_GROUPS.map((g) => el("option", {value: g}, t("group_" + g) + " (" + g + ")")));
  const topic = el("input", {required: true, pattern: "[a-z0-9_]+", "data-test": "faq-topic"});
  const examples = el("textarea", {rows: 4, required: true, "data-test": "faq-examples"});
  const answerZh = el("textarea", {rows: 3, required: true, lang: "zh-CN", "data-test": "faq-answer-zh"});
  const answerEn = el("textarea", {rows: 3, required: true, lang: "en", "data-test": "faq-answer-en"});
  const create = el("form", {onsubmit: guard(async (event) => {
    event.preventDefault();
    const name = group.value + "/" + topic.value.trim();
    await api("POST", "/faq", {name, examples: lines(examples.value).map((text) => ({text})),
      answer: {zh: answerZh.value.trim(), en: answerEn.value.trim()}});
    go("#/intents/" + enc(name), t("saved"));
  })}, el("div", {class: "ad-row"}, field(t("group"), group), field(t("topic"), topic, t("topicHelp"))),
  field(t("examplesPerLine"), examples), field(t("answerZh"), answerZh), field(t("answerEn"), answerEn),
  el("button", {type: "submit", class: "ad-primary", "data-test": "faq-create"}, t("create")));
  show(mine, el("h2", {}, t("nav_faq")), can("editor") ? folded(t("newTopic"), create, "faq-new") : null,
    search, list);
}
