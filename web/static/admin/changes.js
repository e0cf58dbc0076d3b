// The change history: every edit with its diff, each one undoable by an editor.
import {api} from "./api.js";
import {badge, el} from "./dom.js";
import {reload, show} from "./frame.js";
import {can, when} from "./state.js";
import {named, t} from "./text.js";
import {confirming} from "./widgets.js";

function diffView(text) {
  return el("pre", {class: "ad-diff", "data-test": "change-diff"}, text.split("\n").map((line) =>
    el("span", {class: /^(\+\+\+|---)/.test(line) ? "ad-diff-file" : line[0] === "+" ? "ad-diff-add"
      : line[0] === "-" ? "ad-diff-del" : line.startsWith("@@") ? "ad-diff-hunk" : null}, line + "\n")));
}

export async function viewChanges(arg, query, mine) {
  const changes = await api("GET", "/changes");
  show(mine, el("h2", {}, t("nav_changes")), changes.length ? el("ol", {class: "ad-changes"},
    changes.map((change, index) => el("li", {class: "ad-card", "data-test": "change", "data-id": change.id},
      el("div", {class: "ad-row"}, el("strong", {}, "#" + change.id), el("span", {}, when(change.at)),
        el("span", {}, change.username), badge(named("kind_", change.kind)), el("code", {}, change.item),
        el("span", {}, change.action.replace(/^\w+/, (word) => named("action_", word))),
        can("editor") ? confirming(t("undo"), t("undoQ"), async () => {
          await api("POST", "/changes/" + change.id + "/undo");
          reload(t("undone"));
        }, "change-undo") : null),
      el("details", {open: index < 5}, el("summary", {}, t("showDiff")), diffView(change.diff)))))
    : el("p", {class: "ad-empty"}, t("noChanges")));
}
