// What the pages share: who is signed in, in which language, and which page is current. One
// object, because a module's importers can read its variables but not assign to them.
export const RANK = {viewer: 1, editor: 2, admin: 3};
export const languageKey = "an-admin-language";

export const state = {
  language: localStorage.getItem(languageKey) ||
    (/^en/i.test(navigator.language || "") ? "en" : "zh"),
  user: null, role: null, csrf: null, // the CSRF token is kept in memory only
  generation: 0, // bumped on every page change: late answers and polls of old pages stop
  dirty: false, // the intent page has edits not yet saved
  carry: null, // a notice to show on the next page
};
let counter = 0; // for unique element ids

export const nextId = () => ++counter;
export const can = (role) => (RANK[state.role] || 0) >= RANK[role];
export const current = (mine) => mine === state.generation;
export const enc = encodeURIComponent;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const languageOf = (text) => (/[\u3400-\u9fff]/.test(text) ? "zh" : "en");
export const when = (iso) => (iso ? new Date(iso).toLocaleString(state.language === "zh" ? "zh-CN" : "en-GB") : "");
export const lines = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean);
