// Staff accounts (admins only): roles changed in place, accounts added and removed.
import {api} from "./api.js";
import {el, field, table} from "./dom.js";
import {guard, reload, show} from "./frame.js";
import {RANK, enc, state, when} from "./state.js";
import {t} from "./text.js";
import {confirming} from "./widgets.js";

export async function viewStaff(arg, query, mine) {
  const accounts = await api("GET", "/staff");
  const roleSelect = (value, extra) => el("select", Object.assign({value}, extra),
    Object.keys(RANK).map((r) => el("option", {value: r}, t("role_" + r))));
  const rows = accounts.map((account) => el("tr", {"data-test": "staff-row", "data-username": account.username},
    el("td", {}, account.username, account.username === state.user ? t("you") : ""),
    el("td", {}, roleSelect(account.role, {"data-test": "staff-role", "aria-label": t("role") + " · " + account.username,
      onchange: guard(async (event) => {
        const changed = await api("PATCH", "/staff/" + enc(account.username), {role: event.target.value});
        reload(t("roleChanged", changed.username, t("role_" + changed.role)));
      })})),
    el("td", {}, when(account.created_at)),
    el("td", {}, confirming(t("remove"), t("removeQ"), async () => {
      await api("DELETE", "/staff/" + enc(account.username));
      reload(t("deleted"));
    }, "staff-remove", "ad-danger"))));
  const username = el("input", {required: true, autocomplete: "off", "data-test": "staff-new-username"});
  const password = el("input", {type: "password", required: true, autocomplete: "new-password", "data-test": "staff-new-password"});
  const role = roleSelect("editor", {"data-test": "staff-new-role"});
  show(mine, el("h2", {}, t("staff")), table([t("username"), t("role"), t("created"), ""], rows, "staff"),
    el("form", {class: "ad-card", onsubmit: guard(async (event) => {
      event.preventDefault();
      await api("POST", "/staff", {username: username.value.trim(), password: password.value, role: role.value});
      reload(t("saved"));
    })}, el("h3", {}, t("addStaff")), el("div", {class: "ad-row"}, field(t("username"), username),
      field(t("password"), password), field(t("role"), role)),
    el("button", {type: "submit", class: "ad-primary", "data-test": "staff-add"}, t("add"))));
}
