// Signing in and out. The session lives in an HttpOnly cookie; its CSRF token is kept in memory
// only and fetched again from GET /admin/api/session after a reload.
import {api} from "./api.js";
import {el, field} from "./dom.js";
import {clearNotice, label, main, route} from "./frame.js";
import {state} from "./state.js";
import {t} from "./text.js";

export function showSignIn(message) {
  state.generation++; // stops any page still loading or polling
  Object.assign(state, {user: null, role: null, csrf: null});
  state.dirty = false;
  clearNotice();
  label();
  const username = el("input", {required: true, autocomplete: "username", "data-test": "signin-username"});
  const password = el("input", {type: "password", required: true, autocomplete: "current-password", "data-test": "signin-password"});
  const problem = el("p", {class: "ad-error", role: "alert", "data-test": "signin-error", hidden: !message}, message || "");
  const submit = el("button", {type: "submit", class: "ad-primary", "data-test": "signin-submit"}, t("signIn"));
  main.replaceChildren(el("form", {class: "ad-card ad-signin", "data-test": "signin", onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      signedIn(await api("POST", "/session", {username: username.value.trim(), password: password.value}, {quiet: true}));
    } catch (error) {
      problem.textContent = error.status === 401 ? t("wrongPassword") : error.message;
      problem.hidden = false;
      password.select();
    } finally {
      submit.disabled = false;
    }
  }}, el("h2", {}, t("signInTitle")), field(t("username"), username), field(t("password"), password), problem, submit));
  username.focus();
}

export function signedIn(session) {
  Object.assign(state, {user: session.username, role: session.role, csrf: session.csrf_token});
  label();
  route();
}

export async function signOut() {
  if (state.dirty && !confirm(t("dropChanges"))) return;
  try { await api("DELETE", "/session", undefined, {quiet: true}); } catch (error) { /* signed out anyway */ }
  showSignIn();
}
