// Conversation review: the conversations, then one conversation's turns, from which a customer's
// words can be added as a knowledge-base wording or an intent's example.
import {api} from "./api.js";
import {badge, button, el, field, table} from "./dom.js";
import {guard, notice, show} from "./frame.js";
import {can, enc, languageOf, when} from "./state.js";
import {named, t} from "./text.js";

export async function viewReview(sender, query, mine) {
  if (sender) return viewConversation(sender, mine);
  const conversations = await api("GET", "/conversations");
  show(mine, el("h2", {}, t("nav_review")), conversations.length ? table(
    [t("conversation"), t("started"), t("last"), t("messages"), t("flagged")],
    conversations.map((c) => el("tr", {"data-test": "conversation-row", "data-sender": c.sender},
      el("td", {}, el("a", {href: "#/review/" + enc(c.sender), "data-test": "conversation-link"}, c.sender)),
      el("td", {}, when(c.started)), el("td", {}, when(c.last)), el("td", {class: "ad-num"}, String(c.messages)),
      el("td", {class: "ad-num"}, c.flagged ? badge(String(c.flagged), null, "ad-warn") : "0"))), "conversations")
    : el("p", {class: "ad-empty"}, t("noConversations")));
}

async function viewConversation(sender, mine) {
  const editable = can("editor");
  const [turns, intents, entries] = await Promise.all([api("GET", "/conversations/" + enc(sender)),
    editable ? api("GET", "/intents").then((all) => all.map((i) => i.name)).catch(() => []) : [],
    editable ? api("GET", "/knowledge").catch(() => []) : []]);
  const entryList = el("datalist", {id: "ad-entries"}, entries.map((e) =>
    el("option", {value: e.id, label: (e.zh || e.en || {}).question || ""})));

  // The two ways to teach from a customer's words, each a small form opened under the turn.
  function asParaphrase(turn) {
    const entry = el("input", {list: "ad-entries", required: true, "data-test": "paraphrase-entry"});
    const language = el("select", {"data-test": "paraphrase-language", value: languageOf(turn.text)},
      el("option", {value: "zh"}, t("zhSide")), el("option", {value: "en"}, t("enSide")));
    return [el("div", {class: "ad-row ad-inline-form"}, field(t("entry"), entry), field(t("languageName"), language),
      button(t("add"), guard(async () => {
        await api("POST", "/conversations/paraphrase", {entry_id: entry.value.trim(), language: language.value, text: turn.text});
        notice(t("paraphraseAdded", entry.value.trim()));
      }), "paraphrase-confirm", {class: "ad-primary"})), entry];
  }
  function asExample(turn) {
    const intent = intents.length ? el("select", {"data-test": "example-intent",
      value: intents.includes(turn.intent) ? turn.intent : ""},
    el("option", {value: ""}, t("chooseIntent")), intents.map((n) => el("option", {value: n}, n)))
      : el("input", {"data-test": "example-intent", value: turn.intent || ""});
    return [el("div", {class: "ad-row ad-inline-form"}, field(t("intent"), intent),
      button(t("add"), guard(async () => {
        if (!intent.value.trim()) return notice(t("chooseIntent"), "error");
        await api("POST", "/intents/" + enc(intent.value.trim()) + "/examples", {text: turn.text});
        notice(t("exampleAdded", intent.value.trim()));
      }), "example-confirm", {class: "ad-primary"})), intent];
  }

  function turnItem(turn) {
    const customer = turn.who === "user";
    const slot = el("div", {});
    const open = (make) => () => { const [form, first] = make(turn); slot.replaceChildren(form); first.focus(); };
    return el("li", {class: "ad-turn " + (customer ? "ad-customer" : "ad-bot"), "data-test": "turn",
      "data-who": turn.who, "data-flagged": turn.flags.length ? "true" : "false"},
    el("div", {class: "ad-turn-head"}, el("strong", {}, customer ? t("customer") : t("assistant")),
      el("span", {class: "ad-muted"}, when(turn.at)),
      customer && turn.intent ? el("span", {class: "ad-muted"}, turn.intent +
        (turn.confidence != null ? " · " + t("confidence", turn.confidence) : "")) : null,
      turn.flags.map((flag) => badge(named("flag_", flag), "flag", "ad-warn"))),
    el("div", {class: "ad-bubble"}, turn.text),
    customer && editable && turn.text ? el("div", {class: "ad-actions"},
      button(t("asParaphrase"), open(asParaphrase), "turn-paraphrase"),
      button(t("asExample"), open(asExample), "turn-example")) : null,
    slot);
  }
  show(mine, el("p", {}, el("a", {href: "#/review"}, "← " + t("allConversations"))),
    el("h2", {}, t("conversation") + " " + sender), entryList,
    el("ol", {class: "ad-turns"}, turns.map(turnItem)));
}
