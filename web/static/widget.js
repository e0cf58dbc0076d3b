/* 小安 / An chat widget: one script tag on any page, nothing loaded from elsewhere.
 *
 *   <script src="https://bank.example/static/widget.js" defer
 *           data-server="https://bank.example" data-language="zh" data-title="小安"
 *           data-open="false"></script>
 *
 * data-server: the web app (default: where this script comes from); data-language: the interface
 * language when the browser's is neither Chinese nor English; data-title: the panel's title;
 * data-open: start with the panel open. The conversation (its id, what was said, the sign-in)
 * lives in the tab's sessionStorage, so a reload continues it and closing the tab ends it.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  const data = script ? script.dataset : {};
  const home = script ? new URL(script.src, location.href).origin : location.origin;
  const server = (data.server || home).replace(/\/$/, "");
  const storageKey = "an-widget:" + server;

  const TEXT = {
    zh: {
      open: "在线客服", close: "关闭", send: "发送", placeholder: "请输入您的问题",
      inputLabel: "给小安发消息", signIn: "登录", signOut: "退出登录", anonymous: "未登录",
      signedIn: (name) => "已登录：" + name, customerId: "客户号", password: "密码",
      submit: "登录", cancel: "取消", human: "转人工", humanShown: "我要转人工客服",
      typing: "小安正在输入…", retry: "重试", language: "English", languageLabel: "Switch to English",
      unreachable: "暂时连接不上服务器，请检查网络后重试。",
      unavailable: "小安暂时无法回复，请稍后再试。给您带来不便，非常抱歉。",
      expired: "登录已过期或无效，请重新登录后继续。", signInFailed: "客户号或密码不正确。",
      slowDown: (s) => "消息发送得太频繁了，请 " + s + " 秒后再试。",
      tooLong: "消息太长了（最多 2000 字），请精简后再发。",
      notYours: "这个会话属于其他客户。已为您开始新的会话，请重新发送。",
      failed: "出了点问题，请稍后重试。", welcome: "您好，我是小安，可以为您解答理财和贷款问题。登录后还可以查询账户。",
      you: "您", bot: "小安",
    },
    en: {
      open: "Chat with us", close: "Close", send: "Send", placeholder: "Type your question",
      inputLabel: "Message An", signIn: "Sign in", signOut: "Sign out", anonymous: "Not signed in",
      signedIn: (name) => "Signed in: " + name, customerId: "Customer ID", password: "Password",
      submit: "Sign in", cancel: "Cancel", human: "Talk to a person", humanShown: "I'd like to talk to a person",
      typing: "An is typing…", retry: "Retry", language: "中文", languageLabel: "切换到中文",
      unreachable: "We can't reach the server right now. Please check your connection and retry.",
      unavailable: "An can't answer right now. Please try again in a moment; sorry for the wait.",
      expired: "Your sign-in has expired or is not valid. Please sign in again to continue.",
      signInFailed: "The customer ID or password is wrong.",
      slowDown: (s) => "That's a lot of messages at once. Please try again in " + s + " seconds.",
      tooLong: "That message is too long (2,000 characters at most). Please shorten it.",
      notYours: "This conversation belongs to another customer. A new one has started; please send again.",
      failed: "Something went wrong. Please try again.",
      welcome: "Hello, I'm An. Ask me about wealth products and loans; sign in to see your accounts.",
      you: "You", bot: "An",
    },
  };

  const browserLanguage = /^zh/i.test(navigator.language || "") ? "zh"
    : /^en/i.test(navigator.language || "") ? "en" : null;
  const state = Object.assign({
    sender: null, token: null, customer: null, name: null, transcript: [],
    language: browserLanguage || (data.language === "en" ? "en" : "zh"), open: data.open === "true",
  }, JSON.parse(sessionStorage.getItem(storageKey) || "{}"));
  if (!state.sender) state.sender = newSender();
  const save = () => sessionStorage.setItem(storageKey, JSON.stringify(state));
  const t = (key, ...args) => {
    const value = TEXT[state.language][key];
    return typeof value === "function" ? value(...args) : value;
  };
  let pending = null; // the message to send again after an error

  function newSender() {
    return "web-" + (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child != null));
    return node;
  }

  // -- the panel ----------------------------------------------------------------------------
  const stylesheet = element("link", {rel: "stylesheet", href: server + "/static/widget.css"});
  document.head.appendChild(stylesheet);
  const root = element("div", {class: "an-widget"});
  const launcher = element("button", {type: "button", class: "an-launcher", "aria-expanded": "false"});
  const panel = element("section", {class: "an-panel", role: "dialog"});
  const title = element("h2", {class: "an-title", id: "an-title"});
  const who = element("span", {class: "an-who"});
  const languageButton = element("button", {type: "button", class: "an-link"});
  const signButton = element("button", {type: "button", class: "an-link"});
  const closeButton = element("button", {type: "button", class: "an-close"}, "×");
  const log = element("ol", {class: "an-log", role: "log", "aria-live": "polite"});
  const typing = element("div", {class: "an-typing", role: "status", hidden: true});
  const problem = element("div", {class: "an-problem an-alert", role: "alert", hidden: true});
  const input = element("input", {class: "an-input", id: "an-input", maxlength: "2000",
    autocomplete: "off"});
  const inputLabel = element("label", {for: "an-input", class: "an-hidden"});
  const sendButton = element("button", {type: "submit", class: "an-send"});
  const humanButton = element("button", {type: "button", class: "an-human"});
  const compose = element("form", {class: "an-compose"}, inputLabel, input, sendButton);
  const idInput = element("input", {id: "an-customer", autocomplete: "username", required: true});
  const passwordInput = element("input", {id: "an-password", type: "password",
    autocomplete: "current-password", required: true});
  const idLabel = element("label", {for: "an-customer"});
  const passwordLabel = element("label", {for: "an-password"});
  const signInSubmit = element("button", {type: "submit"});
  const signInCancel = element("button", {type: "button", class: "an-link"});
  const signInProblem = element("p", {class: "an-problem an-signin-problem", role: "alert",
    hidden: true});
  const signInForm = element("form", {class: "an-signin", hidden: true},
    idLabel, idInput, passwordLabel, passwordInput, signInProblem,
    element("div", {class: "an-row"}, signInSubmit, signInCancel));
  panel.setAttribute("aria-labelledby", "an-title");
  panel.append(
    element("header", {class: "an-header"}, element("div", {}, title, who),
      element("div", {class: "an-tools"}, languageButton, signButton, closeButton)),
    signInForm, log, typing, problem, compose, humanButton);
  root.append(launcher, panel);

  function label() {
    const heading = data.title || (state.language === "zh" ? "小安 · 在线客服" : "An · Customer service");
    root.setAttribute("lang", state.language === "zh" ? "zh-CN" : "en");
    languageButton.setAttribute("lang", state.language === "zh" ? "en" : "zh-CN");
    title.textContent = heading;
    launcher.textContent = "💬 " + t("open");
    who.textContent = state.customer ? t("signedIn", state.name || state.customer) : t("anonymous");
    languageButton.textContent = t("language");
    languageButton.setAttribute("aria-label", t("languageLabel"));
    signButton.textContent = state.customer ? t("signOut") : t("signIn");
    closeButton.setAttribute("aria-label", t("close"));
    input.placeholder = t("placeholder");
    inputLabel.textContent = t("inputLabel");
    sendButton.textContent = t("send");
    humanButton.textContent = t("human");
    typing.textContent = t("typing");
    idLabel.textContent = t("customerId");
    passwordLabel.textContent = t("password");
    signInSubmit.textContent = t("submit");
    signInCancel.textContent = t("cancel");
    launcher.hidden = state.open;
    panel.hidden = !state.open;
    launcher.setAttribute("aria-expanded", String(state.open));
  }

  function setOpen(open) {
    state.open = open;
    save();
    label();
    (open ? input : launcher).focus();
  }

  // -- the conversation ----------------------------------------------------------------------
  function linkified(text) {
    // Web addresses in the assistant's text become links; everything else stays plain text.
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(/https?:\/\/[^\s，。、）)]+/g)) {
      parts.push(text.slice(last, match.index));
      parts.push(element("a", {href: match[0], target: "_blank", rel: "noopener noreferrer"}, match[0]));
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last));
    return parts;
  }

  function render(entry, index) {
    const item = element("li", {class: "an-turn an-" + entry.who});
    if (entry.who !== "note") {
      item.append(element("span", {class: "an-hidden"}, (entry.who === "me" ? t("you") : t("bot")) + ": "));
    }
    item.append(element("div", {class: "an-bubble"}, ...linkified(entry.text || "")));
    if (entry.buttons && entry.buttons.length) {
      const used = index < state.transcript.length - 1 || entry.used;
      const choices = element("div", {class: "an-choices", role: "group"});
      for (const choice of entry.buttons) {
        choices.append(element("button", {type: "button", disabled: used,
          onclick: () => { entry.used = true; send(choice.payload, choice.title); }}, choice.title));
      }
      item.append(choices);
    }
    return item;
  }

  function redraw() {
    log.replaceChildren(...state.transcript.map(render));
    log.scrollTop = log.scrollHeight;
  }

  function add(entry) {
    state.transcript.push(entry);
    state.transcript = state.transcript.slice(-200);
    save();
    redraw();
  }

  function showProblem(text, canRetry) {
    problem.replaceChildren(element("span", {}, text));
    if (canRetry) {
      problem.append(element("button", {type: "button", class: "an-retry", onclick: retry}, t("retry")));
    }
    problem.hidden = false;
  }

  function newConversation() {
    Object.assign(state, {sender: newSender(), transcript: []});
    save();
    redraw();
  }

  async function send(message, shown) {
    problem.hidden = true;
    add({who: "me", text: shown || message});
    pending = message;
    await deliver();
  }

  function retry() {
    problem.hidden = true;
    if (pending) deliver();
  }

  async function deliver() {
    const headers = {"Content-Type": "application/json"};
    if (state.token) headers.Authorization = "Bearer " + state.token;
    typing.hidden = false;
    sendButton.disabled = true;
    let response;
    try {
      response = await fetch(server + "/webhooks/rest/webhook", {
        method: "POST", headers, body: JSON.stringify({sender: state.sender, message: pending}),
      });
    } catch (error) {
      showProblem(t("unreachable"), true);
      return;
    } finally {
      typing.hidden = true;
      sendButton.disabled = false;
    }
    if (response.ok) {
      const renewed = response.headers.get("X-Renewed-Token");
      if (renewed) state.token = renewed;
      pending = null;
      for (const reply of await response.json()) {
        const text = reply.text || (reply.custom && reply.custom.text) || "";
        if (text || reply.buttons) add({who: "bot", text, buttons: reply.buttons || []});
        if (reply.custom && reply.custom.link) add({who: "bot", text: String(reply.custom.link)});
      }
      save();
    } else if (response.status === 401) {
      Object.assign(state, {token: null, customer: null, name: null});
      save();
      label();
      showProblem(t("expired"), false);
      openSignIn();
    } else if (response.status === 403) {
      newConversation();
      showProblem(t("notYours"), false);
      pending = null;
    } else if (response.status === 413) {
      showProblem(t("tooLong"), false);
      pending = null;
    } else if (response.status === 429) {
      showProblem(t("slowDown", response.headers.get("Retry-After") || "10"), true);
    } else if (response.status === 503) {
      showProblem(t("unavailable"), true);
    } else {
      showProblem(t("failed"), true);
    }
  }

  // -- sign-in -------------------------------------------------------------------------------
  function openSignIn() {
    signInForm.hidden = false;
    signInProblem.hidden = true;
    idInput.focus();
  }

  async function signIn(event) {
    event.preventDefault();
    let response;
    try {
      response = await fetch(server + "/auth/token", {
        method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({customer_id: idInput.value.trim(), password: passwordInput.value}),
      });
    } catch (error) {
      signInProblem.textContent = t("unreachable");
      signInProblem.hidden = false;
      return;
    }
    if (!response.ok) {
      signInProblem.textContent = response.status === 429 ? t("slowDown", response.headers.get("Retry-After") || "60") : t("signInFailed");
      signInProblem.hidden = false;
      return;
    }
    const body = await response.json();
    // Someone else's conversation is not continued: a different customer starts a new one.
    if (state.owner && state.owner !== body.customer_id) newConversation();
    Object.assign(state, {token: body.access_token, customer: body.customer_id, name: body.name,
      owner: body.customer_id});
    save();
    passwordInput.value = "";
    signInForm.hidden = true;
    problem.hidden = true;
    label();
    input.focus();
    if (pending) deliver();
  }

  function signOut() {
    Object.assign(state, {token: null, customer: null, name: null, owner: null});
    newConversation();
    label();
    add({who: "note", text: t("welcome")});
  }

  // -- wiring --------------------------------------------------------------------------------
  launcher.addEventListener("click", () => setOpen(true));
  closeButton.addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (event) => { if (event.key === "Escape") setOpen(false); });
  languageButton.addEventListener("click", () => {
    state.language = state.language === "zh" ? "en" : "zh";
    save();
    label();
    redraw();
  });
  signButton.addEventListener("click", () => (state.customer ? signOut() : openSignIn()));
  signInCancel.addEventListener("click", () => { signInForm.hidden = true; input.focus(); });
  signInForm.addEventListener("submit", signIn);
  humanButton.addEventListener("click", () => send("/request_human", t("humanShown")));
  compose.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    input.value = "";
    send(message);
  });

  function start() {
    document.body.appendChild(root);
    label();
    if (!state.transcript.length) add({who: "note", text: t("welcome")});
    redraw();
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
