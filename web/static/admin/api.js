// Talking to /admin/api: JSON in and out, the CSRF token on every change, and each refusal
// turned into words the reader can act on (a Problem with the HTTP status).
import {el} from "./dom.js";
import {state} from "./state.js";
import {t} from "./text.js";

export class Problem extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

// What to do when the session has ended: main.js shows the sign-in form (set there, so this
// module needs no page).
let expired = () => {};
export const onExpired = (handler) => { expired = handler; };

function reason(status, detail) {
  // FastAPI says "Not Found" for a path it doesn't know: a part of the API not there yet.
  if (status === 404 && (!detail || detail === "Not Found")) return t("notYet");
  const prefix = {400: t("refused"), 403: t("forbidden"), 409: t("conflict"), 422: t("refused"),
    503: t("unavailable")}[status] || (status >= 500 ? t("serverError") : "");
  return [prefix, detail].filter(Boolean).join(" ");
}

export async function api(method, path, body, options = {}) {
  const headers = {};
  if (method !== "GET") headers["X-CSRF-Token"] = state.csrf || "";
  let payload;
  if (options.raw != null) {
    payload = options.raw;
    headers["Content-Type"] = "text/plain; charset=utf-8";
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch("/admin/api" + path, {method, headers, body: payload, credentials: "same-origin"});
  } catch (error) {
    throw new Problem(0, t("unreachable"));
  }
  if (response.status === 401 && !options.quiet) {
    expired(t("expired"));
    throw new Problem(401, t("expired"));
  }
  if (!response.ok) {
    let detail = "";
    try { detail = (await response.json()).detail || ""; } catch (error) { /* not JSON */ }
    if (typeof detail !== "string") detail = JSON.stringify(detail);
    throw new Problem(response.status, reason(response.status, detail));
  }
  if (response.status === 204) return null;
  return options.text ? response.text() : response.json();
}

export async function download(path, filename) {
  const text = await api("GET", path, undefined, {text: true});
  const url = URL.createObjectURL(new Blob([text], {type: "text/plain;charset=utf-8"}));
  const link = el("a", {href: url, download: filename, hidden: true});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
