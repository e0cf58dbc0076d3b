// Controls several pages use: an in-place confirmation, a search box, a file importer.
import {api} from "./api.js";
import {button, el, field} from "./dom.js";
import {failed, guard, notice, reload} from "./frame.js";
import {state} from "./state.js";
import {named, t} from "./text.js";

// A button that asks first, in place (no pop-up): [Delete] -> "Sure?" [Yes] [No].
export function confirming(label, question, action, test, kind) {
  const box = el("span", {class: "ad-confirm"});
  const first = button(label, () => {
    const no = button(t("no"), () => { idle(); first.focus(); }, "confirm-no");
    const yes = button(t("yes"), async () => {
      yes.disabled = no.disabled = true;
      yes.textContent = t("working");
      try { await action(); } catch (error) { failed(error); }
      if (box.isConnected) idle();
    }, "confirm-yes", {class: "ad-danger"});
    box.replaceChildren(el("span", {class: "ad-question"}, question), yes, no);
    yes.focus();
  }, test, {class: kind || ""});
  const idle = () => box.replaceChildren(first);
  idle();
  return box;
}

// A search box that reloads a list as the person types (a moment after they stop).
export function searchBox(value, onSearch, test) {
  let timer;
  const input = el("input", {type: "search", value: value || "", "data-test": test,
    oninput: () => { clearTimeout(timer); timer = setTimeout(onSearch, 300); }});
  return field(t("search"), input);
}
export const boxValue = (box) => box.querySelector("input").value.trim();

const summary = (result) => Object.entries(result || {})
  .map(([key, value]) => named("count_", key) + " " + value).join(state.language === "zh" ? "，" : ", ");

// A file chooser and an Import button that sends the file's text as the request body.
export function importer(path, test, withFormat) {
  const file = el("input", {type: "file", "data-test": test + "-file",
    accept: withFormat ? ".jsonl,.csv,.json" : ".yml,.yaml"});
  const format = withFormat ? el("select", {"data-test": test + "-format"},
    el("option", {value: "jsonl"}, "JSONL"), el("option", {value: "csv"}, "CSV")) : null;
  if (format) file.addEventListener("change", () => { if (/\.csv$/i.test(file.value)) format.value = "csv"; });
  const go = guard(async () => {
    if (!file.files.length) return notice(t("chooseFile"), "error");
    const text = await file.files[0].text();
    const result = await api("POST", path + (format ? "?format=" + format.value : ""), undefined, {raw: text});
    reload(t("imported", summary(result)));
  });
  return el("div", {class: "ad-row"}, field(t("importFile"), file), format ? field(t("format"), format) : null,
    button(t("importNow"), go, test));
}
