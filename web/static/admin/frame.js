// The frame around every page (header, navigation, notices) and the routing: pages are
// addressed by the part of the address after "#" (e.g. #/intents/faq_loan%2Fflexi_loan), so the
// browser's back button and bookmarks work.
import {Problem} from "./api.js";
import {button, el} from "./dom.js";
import {can, current, state} from "./state.js";
import {t} from "./text.js";

const PAGES = ["intents", "faq", "responses", "knowledge", "review", "training", "changes", "staff"];

const app = document.getElementById("app");
const heading = el("h1", {class: "ad-title"});
const who = el("span", {class: "ad-who", "data-test": "who"});
// Their clicks are wired in main.js, which knows how to switch language and sign out.
export const languageButton = button("", null, "language", {class: "ad-light", lang: "en"});
export const signOutButton = button("", null, "signout", {class: "ad-light"});
const links = PAGES.map((page) => el("a", {href: "#/" + page, "data-test": "nav-" + page, "data-page": page}));
const nav = el("nav", {class: "ad-nav", hidden: true}, el("ul", {}, links.map((link) => el("li", {}, link))));
const noticeBox = el("div", {class: "ad-notice", "data-test": "notice", role: "status", hidden: true});
export const main = el("main", {class: "ad-main", id: "ad-main", tabindex: "-1"});
const skip = el("a", {class: "ad-skip", href: "#ad-main",
  onclick: (event) => { event.preventDefault(); main.focus(); }});
app.replaceChildren(skip,
  el("header", {class: "ad-header"}, heading, el("div", {class: "ad-tools"}, who, languageButton, signOutButton)),
  nav, noticeBox, main);

// The frame's words in the current language, and what the signed-in role may see.
export function label() {
  document.documentElement.lang = state.language === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  heading.textContent = t("title");
  skip.textContent = t("skip");
  languageButton.textContent = t("language");
  languageButton.lang = state.language === "zh" ? "en" : "zh-CN";
  languageButton.setAttribute("aria-label", t("languageLabel"));
  signOutButton.textContent = t("signOut");
  signOutButton.hidden = who.hidden = nav.hidden = !state.user;
  who.textContent = state.user ? state.user + " · " + t("role_" + state.role) : "";
  for (const link of links) {
    link.textContent = t("nav_" + link.dataset.page);
    link.parentElement.hidden = link.dataset.page === "staff" && !can("admin");
  }
}

export function notice(text, kind = "ok", action) {
  noticeBox.replaceChildren(el("span", {}, text), ...(action ? [action] : []),
    button("×", clearNotice, "notice-close", {class: "ad-x", "aria-label": t("dismiss")}));
  noticeBox.dataset.kind = kind;
  noticeBox.setAttribute("aria-live", kind === "error" ? "assertive" : "polite");
  noticeBox.hidden = false;
}
export const clearNotice = () => { noticeBox.hidden = true; noticeBox.replaceChildren(); };

export function failed(error) {
  if (!(error instanceof Problem)) { console.error(error); return notice(t("failed"), "error"); }
  if (error.status === 401) return; // the sign-in form is showing
  notice(error.message, "error", error.status === 409 ? button(t("reload"), () => reload(), "reload") : null);
}
export const guard = (fn) => async (...args) => { try { await fn(...args); } catch (error) { failed(error); } };

// -- routing ----------------------------------------------------------------------------------------
let views = {}; // page name -> view(arg, query, mine), given by main.js
let shownHash = location.hash;

export async function route() {
  const mine = ++state.generation;
  state.dirty = false;
  shownHash = location.hash;
  const [path, search] = location.hash.replace(/^#\/?/, "").split("?");
  const [first, ...rest] = path.split("/");
  const page = views[first] && (first !== "staff" || can("admin")) ? first : "intents";
  clearNotice();
  if (state.carry) { notice(state.carry); state.carry = null; }
  for (const link of links) link.toggleAttribute("aria-current", link.dataset.page === page);
  main.replaceChildren(el("p", {class: "ad-muted"}, t("loading")));
  try {
    await views[page](rest.length ? decodeURIComponent(rest.join("/")) : null,
      new URLSearchParams(search || ""), mine);
  } catch (error) {
    if (!current(mine) || error.status === 401) return;
    if (!(error instanceof Problem)) console.error(error);
    main.replaceChildren(el("p", {class: "ad-empty", "data-test": "page-error"},
      error instanceof Problem ? error.message : t("failed")));
  }
}
// A page's content, unless the reader has moved on to another page meanwhile.
// Nothing (null) where a part does not apply, e.g. what a viewer may not do.
export const show = (mine, ...nodes) => {
  if (current(mine)) main.replaceChildren(...nodes.flat().filter((node) => node != null));
};
export const go = (hash, message) => {
  state.carry = message || null;
  if (location.hash === hash) route(); else location.hash = hash;
};
export const reload = (message) => go(location.hash, message);

export function startRouting(pageViews) {
  views = pageViews;
  window.addEventListener("hashchange", () => {
    if (!state.user || location.hash === shownHash || location.hash === "#ad-main") return;
    if (state.dirty && !confirm(t("dropChanges"))) { history.replaceState(null, "", shownHash); return; }
    state.dirty = false;
    route();
  });
  window.addEventListener("beforeunload", (event) => { if (state.dirty) event.preventDefault(); });
}
