/* 小安 / An staff editor (/admin): intents and examples, FAQ topics, responses, the knowledge
 * base, conversation review, training and models, the change history and staff accounts.
 *
 * Plain script, no build step, nothing loaded from elsewhere. Pages are addressed by the part of
 * the address after "#" (e.g. #/intents/faq_loan%2Fflexi_loan), so the browser's back button and
 * bookmarks work. The session lives in an HttpOnly cookie; its CSRF token is kept in memory only
 * and fetched again from GET /admin/api/session after a reload.
 */
(function () {
  "use strict";

  const TEXT = {
    zh: {
      title: "小安 · 训练数据编辑", skip: "跳到正文", language: "English", languageLabel: "Switch to English",
      signIn: "登录", signInTitle: "员工登录", username: "用户名", password: "密码", signOut: "退出登录",
      wrongPassword: "用户名或密码不正确。", expired: "登录已过期，请重新登录。",
      role_viewer: "只读", role_editor: "编辑", role_admin: "管理员",
      nav_intents: "意图与例句", nav_faq: "常见问题", nav_responses: "回复文案", nav_knowledge: "知识库",
      nav_review: "对话复查", nav_training: "训练与模型", nav_changes: "修改记录", nav_staff: "员工账号",
      loading: "正在加载…", working: "正在处理…", dismiss: "关闭提示", reload: "重新载入",
      unreachable: "连接不上服务器，请检查网络后重试。", failed: "出了点问题，请稍后重试。",
      notYet: "服务器还没有提供这部分功能，请稍后再来。", forbidden: "您的角色不能进行这个操作。",
      conflict: "别人刚刚修改过这一项，请重新载入后再改。", unavailable: "暂时无法完成：", refused: "没有保存：", serverError: "服务器出错了。",
      dropChanges: "有未保存的修改，确定要放弃吗？", saved: "已保存。", deleted: "已删除。",
      save: "保存", cancel: "取消", edit: "编辑", delete: "删除", add: "添加", yes: "确定", no: "取消",
      search: "搜索", nothingFound: "没有找到。", unsaved: "有未保存的修改", discard: "放弃修改",
      intent: "意图", file: "文件", zhCount: "中文例句", enCount: "英文例句", faqBadge: "常见问题",
      newIntent: "新建意图", intentName: "意图名称", intentFile: "文件（可不填）",
      examplesPerLine: "例句（每行一句）", create: "创建", allIntents: "全部意图", fileIs: (f) => "文件：" + f,
      editAnswer: "编辑这个问题的答案", zhExamples: "中文例句", enExamples: "英文例句", noExamples: "还没有例句。",
      newExample: "新例句", duplicate: "这句已经有了。", move: "移动", moveTo: "移到意图",
      chooseIntent: "请选择意图", saveFirst: "请先保存或放弃修改，再移动例句。",
      moved: (n) => "已移到 " + n + "。", deleteIntent: "删除这个意图",
      deleteIntentQ: "确定删除这个意图和它的全部例句吗？", exampleText: "例句文字", done: "完成",
      markHelp: "在上面的输入框里选中一段文字，选择实体类型，再点“标注选中的文字”。",
      entity: "实体类型", markEntity: "标注选中的文字", selectFirst: "请先在例句里选中要标注的文字。",
      overlap: "这段文字和已标注的部分重叠了。", pickEntity: "请选择实体类型。",
      removeEntity: (e, v) => "去掉标注 " + e + "：" + v, entitiesLabel: "已标注的实体",
      emptyExample: "例句不能为空。",
      group_faq_wealth: "理财", group_faq_loan: "贷款", group_faq_service: "服务",
      newTopic: "新建常见问题", group: "分组", topic: "问题名称",
      topicHelp: "小写英文字母、数字和下划线，例如 early_repayment",
      answerZh: "中文答案", answerEn: "英文答案", topicName: "问题",
      zhText: "中文", enText: "英文",
      kbNew: "新建条目", category: "分类", allCategories: "全部分类", source: "来源", kbId: "编号",
      question: "标准问法", paraphrases: "其他问法（每行一个）", answer: "答案",
      zhSide: "中文", enSide: "英文", languageName: "语言", allEntries: "全部条目", deleteEntry: "删除这个条目",
      deleteEntryQ: "确定删除这个条目吗？", exportAs: (f) => "导出 " + f, importFile: "导入文件",
      format: "格式", importNow: "导入", chooseFile: "请先选择文件。",
      imported: (r) => "导入完成：" + r, count_created: "新增", count_updated: "更新",
      count_unchanged: "未变",
      conversation: "对话", started: "开始时间", last: "最后消息", messages: "客户消息", flagged: "需关注",
      noConversations: "还没有对话记录。", allConversations: "全部对话", customer: "客户", assistant: "小安",
      flag_fallback: "没听懂", flag_low_confidence: "把握不大", flag_asked_for_a_person: "要求转人工",
      flag_dont_know: "答不上来", confidence: (c) => "把握 " + Math.round(c * 100) + "%",
      asParaphrase: "添加为知识库问法", asExample: "添加为意图例句", entry: "知识库条目",
      paraphraseAdded: (id) => "已添加为 " + id + " 的问法。", exampleAdded: (n) => "已添加为 " + n + " 的例句。",
      training: "训练", quick: "快速训练", full: "完整训练",
      trainingHelp: "快速训练用来检查修改的效果；完整训练得到上线用的模型，时间较长。训练不会影响正在使用的模型。",
      state_training: "正在训练", state_evaluating: "正在评估", state_done: "已完成", state_failed: "失败",
      stage: "阶段", trainingLog: "训练日志", trainingDone: "训练完成，新模型已列在下面。",
      newModel: (id) => "新模型：" + id,
      models: "模型版本", version: "版本", createdAt: "时间", createdBy: "操作人", config: "方式",
      seconds: "用时", status: "状态", actions: "操作", live: "正在使用", deploy: "部署",
      rollback: "回滚到此版本", deployQ: "确定部署这个版本吗？客户会马上用到它。",
      rollbackQ: "确定回滚到这个版本吗？客户会马上用到它。",
      deployed: (id, s) => "已部署 " + id + "（" + s + " 秒）。", noModels: "还没有模型。",
      intent_accuracy: "意图准确率", intent_macro_f1: "意图 F1", intent_macro_f1_by_intent: "逐意图 F1",
      trainingData: "训练数据文件", trainingDataHelp: "导出全部意图、例句和回复（YAML），或导入同样格式的文件。",
      exportYaml: "导出 YAML",
      kind_knowledge: "知识库", kind_intent: "意图", kind_response: "回复", kind_faq: "常见问题",
      action_create: "新建", action_update: "修改", action_delete: "删除", action_import: "导入", action_undo: "撤销",
      noChanges: "还没有修改记录。", undo: "撤销", undoQ: "确定撤销这次修改吗？", undone: "已撤销。",
      showDiff: "查看改动",
      staff: "员工账号", role: "角色", created: "创建时间", remove: "删除", removeQ: "确定删除这个账号吗？",
      addStaff: "添加员工", you: "（您）", roleChanged: (u, r) => u + " 的角色已改为" + r + "。",
    },
    en: {
      title: "An · Training-data editor", skip: "Skip to content", language: "中文", languageLabel: "切换到中文",
      signIn: "Sign in", signInTitle: "Staff sign-in", username: "User name", password: "Password",
      signOut: "Sign out", wrongPassword: "The user name or password is wrong.",
      expired: "Your session has ended. Please sign in again.",
      role_viewer: "viewer", role_editor: "editor", role_admin: "admin",
      nav_intents: "Intents", nav_faq: "FAQ topics", nav_responses: "Responses",
      nav_knowledge: "Knowledge base", nav_review: "Conversations", nav_training: "Training & models",
      nav_changes: "Change history", nav_staff: "Staff",
      loading: "Loading…", working: "Working…", dismiss: "Dismiss", reload: "Reload",
      unreachable: "We can't reach the server. Please check the connection and try again.",
      failed: "Something went wrong. Please try again.",
      notYet: "The server doesn't offer this part yet. Please come back later.",
      forbidden: "Your role can't do this.",
      conflict: "Someone else has just changed this. Reload it, then make your change again.",
      refused: "Not saved:", unavailable: "Can't do this right now:", serverError: "The server had a problem.",
      dropChanges: "You have unsaved changes. Drop them?", saved: "Saved.", deleted: "Deleted.",
      save: "Save", cancel: "Cancel", edit: "Edit", delete: "Delete", add: "Add", yes: "Yes", no: "No",
      search: "Search", nothingFound: "Nothing found.", unsaved: "Unsaved changes",
      discard: "Drop changes", intent: "Intent", file: "File", zhCount: "Chinese examples",
      enCount: "English examples", faqBadge: "FAQ", newIntent: "New intent", intentName: "Intent name",
      intentFile: "File (optional)", examplesPerLine: "Examples (one per line)", create: "Create",
      allIntents: "All intents", fileIs: (f) => "File: " + f, editAnswer: "Edit this topic's answer",
      zhExamples: "Chinese examples", enExamples: "English examples", noExamples: "No examples yet.",
      newExample: "New example", duplicate: "That example is already there.", move: "Move",
      moveTo: "Move to intent", chooseIntent: "Choose an intent",
      saveFirst: "Save or drop your changes before moving an example.",
      moved: (n) => "Moved to " + n + ".", deleteIntent: "Delete this intent",
      deleteIntentQ: "Delete this intent and all its examples?", exampleText: "Example text",
      done: "Done",
      markHelp: "Select some words in the box above, choose the entity, then press “Mark the selection”.",
      entity: "Entity", markEntity: "Mark the selection",
      selectFirst: "First select the words to mark in the example.",
      overlap: "Those words overlap words already marked.", pickEntity: "Choose an entity.",
      removeEntity: (e, v) => "Remove mark " + e + ": " + v, entitiesLabel: "Marked entities",
      emptyExample: "An example can't be empty.",
      group_faq_wealth: "Wealth", group_faq_loan: "Loans", group_faq_service: "Service",
      newTopic: "New FAQ topic", group: "Group", topic: "Topic name",
      topicHelp: "Lower-case letters, digits and underscores, e.g. early_repayment",
      answerZh: "Chinese answer", answerEn: "English answer", topicName: "Topic",
      zhText: "Chinese",
      enText: "English", kbNew: "New entry", category: "Category", allCategories: "All categories",
      source: "Source", kbId: "ID", question: "Main question",
      paraphrases: "Other wordings (one per line)", answer: "Answer", zhSide: "Chinese",
      enSide: "English", languageName: "Language", allEntries: "All entries", deleteEntry: "Delete this entry",
      deleteEntryQ: "Delete this entry?", exportAs: (f) => "Export " + f, importFile: "File to import",
      format: "Format", importNow: "Import", chooseFile: "Choose a file first.",
      imported: (r) => "Imported: " + r, count_created: "new", count_updated: "updated",
      count_unchanged: "unchanged",
      conversation: "Conversation", started: "Started", last: "Last message", messages: "Customer messages",
      flagged: "Flagged", noConversations: "No conversations yet.", allConversations: "All conversations",
      customer: "Customer", assistant: "An", flag_fallback: "not understood",
      flag_low_confidence: "unsure", flag_asked_for_a_person: "asked for a person",
      flag_dont_know: "couldn't answer", confidence: (c) => "confidence " + Math.round(c * 100) + "%",
      asParaphrase: "Add as wording of a knowledge entry", asExample: "Add as example of an intent",
      entry: "Knowledge entry", paraphraseAdded: (id) => "Added as a wording of " + id + ".",
      exampleAdded: (n) => "Added as an example of " + n + ".",
      training: "Training", quick: "Quick training", full: "Full training",
      trainingHelp: "Quick training checks the effect of your edits; full training makes a model to put live and takes longer. Training never touches the live model.",
      state_training: "Training", state_evaluating: "Evaluating", state_done: "Done", state_failed: "Failed",
      stage: "Stage", trainingLog: "Training log", trainingDone: "Training is done; the new model is listed below.",
      newModel: (id) => "New model: " + id,
      models: "Model versions", version: "Version", createdAt: "When", createdBy: "By", config: "Kind",
      seconds: "Took", status: "Status", actions: "Actions", live: "Live", deploy: "Put live",
      rollback: "Roll back to this", deployQ: "Put this version live? Customers will get it at once.",
      rollbackQ: "Roll back to this version? Customers will get it at once.",
      deployed: (id, s) => id + " is live (" + s + " s).", noModels: "No models yet.",
      intent_accuracy: "Intent accuracy", intent_macro_f1: "Intent F1", intent_macro_f1_by_intent: "F1 by intent",
      trainingData: "Training-data file",
      trainingDataHelp: "Export every intent, example and response (YAML), or import a file of the same form.",
      exportYaml: "Export YAML",
      kind_knowledge: "knowledge", kind_intent: "intent", kind_response: "response", kind_faq: "FAQ",
      action_create: "created", action_update: "edited", action_delete: "deleted", action_import: "imported",
      action_undo: "undo", noChanges: "No changes yet.", undo: "Undo", undoQ: "Undo this change?", undone: "Undone.",
      showDiff: "Show the change",
      staff: "Staff accounts", role: "Role", created: "Created", remove: "Remove",
      removeQ: "Remove this account?", addStaff: "Add a member of staff", you: " (you)",
      roleChanged: (u, r) => u + " is now " + r + ".",
    },
  };

  const RANK = {viewer: 1, editor: 2, admin: 3};
  const PAGES = ["intents", "faq", "responses", "knowledge", "review", "training", "changes", "staff"];
  const FAQ_GROUPS = ["faq_wealth", "faq_loan", "faq_service"];
  // The figures shown per model. Which FAQ topic answers is the answer decision's call
  // (measured end to end, make eval-e2e), so no FAQ figure is shown here.
  const FIGURES = ["intent_accuracy", "intent_macro_f1", "intent_macro_f1_by_intent"];
  const isLive = (model) => Boolean(model.live);
  const RUNNING = ["training", "evaluating"];
  const languageKey = "an-admin-language";
  const state = {
    language: localStorage.getItem(languageKey) ||
      (/^en/i.test(navigator.language || "") ? "en" : "zh"),
    user: null, role: null, csrf: null,
  };
  let generation = 0; // bumped on every page change: late answers and polls of old pages stop
  let dirty = false; // the intent page has edits not yet saved
  let carry = null; // a notice to show on the next page
  let counter = 0; // for unique element ids

  const t = (key, ...args) => {
    const value = TEXT[state.language][key];
    return typeof value === "function" ? value(...args) : value;
  };
  // A server word (state, flag, kind...) in the reader's language when we know it, else as is.
  const named = (prefix, word) => (TEXT[state.language][prefix + word] != null ? t(prefix + word) : word);
  const can = (role) => (RANK[state.role] || 0) >= RANK[role];
  const enc = encodeURIComponent;
  const current = (mine) => mine === generation;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const languageOf = (text) => (/[\u3400-\u9fff]/.test(text) ? "zh" : "en");
  const when = (iso) => (iso ? new Date(iso).toLocaleString(state.language === "zh" ? "zh-CN" : "en-GB") : "");
  const lines = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    const properties = {};
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "value") properties.value = value; // set after the options exist
      else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.flat(3).filter((child) => child != null && child !== false));
    Object.assign(node, properties);
    return node;
  }
  const button = (label, onclick, test, extra) =>
    el("button", Object.assign({type: "button", onclick, "data-test": test}, extra), label);
  const badge = (text, test, kind) => el("span", {class: "ad-badge " + (kind || ""), "data-test": test}, text);

  // A labelled form control; the label's `for` needs the control's id.
  function field(label, control, help) {
    control.id = control.id || "ad-f" + (++counter);
    const hint = help ? el("small", {id: control.id + "-help", class: "ad-help"}, help) : null;
    if (hint) control.setAttribute("aria-describedby", hint.id);
    return el("div", {class: "ad-field"}, el("label", {for: control.id}, label), control, hint);
  }

  // A form kept folded under its title until wanted (a <details>: keyboard and screen readers know it).
  const folded = (title, form, test) => el("details", {class: "ad-card ad-fold"},
    el("summary", {"data-test": test}, title), form);

  function table(headings, rows, test) {
    return el("table", {class: "ad-table", "data-test": test},
      el("thead", {}, el("tr", {}, headings.map((h) => el("th", {scope: "col"}, h)))), el("tbody", {}, rows));
  }

  // A button that asks first, in place (no pop-up): [Delete] -> "Sure?" [Yes] [No].
  function confirming(label, question, action, test, kind) {
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

  // -- talking to the server ----------------------------------------------------------------------
  class Problem extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  function reason(status, detail) {
    // FastAPI says "Not Found" for a path it doesn't know: a part of the API not there yet.
    if (status === 404 && (!detail || detail === "Not Found")) return t("notYet");
    const prefix = {400: t("refused"), 403: t("forbidden"), 409: t("conflict"), 422: t("refused"),
      503: t("unavailable")}[status] || (status >= 500 ? t("serverError") : "");
    return [prefix, detail].filter(Boolean).join(" ");
  }

  async function api(method, path, body, options = {}) {
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
      showSignIn(t("expired"));
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

  async function download(path, filename) {
    const text = await api("GET", path, undefined, {text: true});
    const url = URL.createObjectURL(new Blob([text], {type: "text/plain;charset=utf-8"}));
    const link = el("a", {href: url, download: filename, hidden: true});
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  const summary = (result) => Object.entries(result || {})
    .map(([key, value]) => named("count_", key) + " " + value).join(state.language === "zh" ? "，" : ", ");

  // A file chooser and an Import button that sends the file's text as the request body.
  function importer(path, test, withFormat) {
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

  // -- the frame: header, navigation, notices ------------------------------------------------------
  const app = document.getElementById("app");
  const heading = el("h1", {class: "ad-title"});
  const who = el("span", {class: "ad-who", "data-test": "who"});
  const languageButton = button("", switchLanguage, "language", {class: "ad-light", lang: "en"});
  const signOutButton = button("", signOut, "signout", {class: "ad-light"});
  const links = PAGES.map((page) => el("a", {href: "#/" + page, "data-test": "nav-" + page, "data-page": page}));
  const nav = el("nav", {class: "ad-nav", hidden: true}, el("ul", {}, links.map((link) => el("li", {}, link))));
  const noticeBox = el("div", {class: "ad-notice", "data-test": "notice", role: "status", hidden: true});
  const main = el("main", {class: "ad-main", id: "ad-main", tabindex: "-1"});
  const skip = el("a", {class: "ad-skip", href: "#ad-main",
    onclick: (event) => { event.preventDefault(); main.focus(); }});
  app.replaceChildren(skip,
    el("header", {class: "ad-header"}, heading, el("div", {class: "ad-tools"}, who, languageButton, signOutButton)),
    nav, noticeBox, main);

  function label() {
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

  function notice(text, kind = "ok", action) {
    noticeBox.replaceChildren(el("span", {}, text), ...(action ? [action] : []),
      button("×", clearNotice, "notice-close", {class: "ad-x", "aria-label": t("dismiss")}));
    noticeBox.dataset.kind = kind;
    noticeBox.setAttribute("aria-live", kind === "error" ? "assertive" : "polite");
    noticeBox.hidden = false;
  }
  const clearNotice = () => { noticeBox.hidden = true; noticeBox.replaceChildren(); };

  function failed(error) {
    if (!(error instanceof Problem)) { console.error(error); return notice(t("failed"), "error"); }
    if (error.status === 401) return; // the sign-in form is showing
    notice(error.message, "error", error.status === 409 ? button(t("reload"), () => reload(), "reload") : null);
  }
  const guard = (fn) => async (...args) => { try { await fn(...args); } catch (error) { failed(error); } };

  function switchLanguage() {
    if (dirty && !confirm(t("dropChanges"))) return;
    state.language = state.language === "zh" ? "en" : "zh";
    localStorage.setItem(languageKey, state.language);
    label();
    if (state.user) reload(); else showSignIn();
  }

  // -- pages ----------------------------------------------------------------------------------------
  const VIEWS = {intents: viewIntents, faq: viewFaq, responses: viewResponses, knowledge: viewKnowledge,
    review: viewReview, training: viewTraining, changes: viewChanges, staff: viewStaff};
  let shownHash = location.hash;

  async function route() {
    const mine = ++generation;
    dirty = false;
    shownHash = location.hash;
    const [path, search] = location.hash.replace(/^#\/?/, "").split("?");
    const [first, ...rest] = path.split("/");
    const page = VIEWS[first] && (first !== "staff" || can("admin")) ? first : "intents";
    clearNotice();
    if (carry) { notice(carry); carry = null; }
    for (const link of links) link.toggleAttribute("aria-current", link.dataset.page === page);
    main.replaceChildren(el("p", {class: "ad-muted"}, t("loading")));
    try {
      await VIEWS[page](rest.length ? decodeURIComponent(rest.join("/")) : null,
        new URLSearchParams(search || ""), mine);
    } catch (error) {
      if (!current(mine) || error.status === 401) return;
      if (!(error instanceof Problem)) console.error(error);
      main.replaceChildren(el("p", {class: "ad-empty", "data-test": "page-error"},
        error instanceof Problem ? error.message : t("failed")));
    }
  }
  const show = (mine, ...nodes) => { if (current(mine)) main.replaceChildren(...nodes.flat()); };
  const go = (hash, message) => {
    carry = message || null;
    if (location.hash === hash) route(); else location.hash = hash;
  };
  const reload = (message) => go(location.hash, message);

  window.addEventListener("hashchange", () => {
    if (!state.user || location.hash === shownHash || location.hash === "#ad-main") return;
    if (dirty && !confirm(t("dropChanges"))) { history.replaceState(null, "", shownHash); return; }
    dirty = false;
    route();
  });
  window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });

  // A search box that reloads a list as the person types (a moment after they stop).
  function searchBox(value, onSearch, test) {
    let timer;
    const input = el("input", {type: "search", value: value || "", "data-test": test,
      oninput: () => { clearTimeout(timer); timer = setTimeout(onSearch, 300); }});
    return field(t("search"), input);
  }
  const boxValue = (box) => box.querySelector("input").value.trim();

  // -- intents and their examples ------------------------------------------------------------------
  async function viewIntents(name, query, mine) {
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

  // The text with its marked entities highlighted and named.
  function annotated(text, entities) {
    const parts = [];
    let at = 0;
    for (const mark of [...entities].sort((a, b) => a.start - b.start)) {
      if (mark.start < at || mark.end > text.length) continue;
      parts.push(text.slice(at, mark.start), el("mark", {class: "ad-entity", "data-entity": mark.entity},
        text.slice(mark.start, mark.end), el("small", {}, mark.entity)));
      at = mark.end;
    }
    parts.push(text.slice(at));
    return parts;
  }

  // After the text is edited, marks follow their words (or are dropped if the words are gone).
  function relocated(text, marks) {
    const kept = [];
    for (const mark of marks) {
      const start = text.slice(mark.start, mark.end) === mark.value ? mark.start : text.indexOf(mark.value);
      const end = start + mark.value.length;
      if (start < 0 || !mark.value || kept.some((k) => k.start < end && start < k.end)) continue;
      kept.push(Object.assign({}, mark, {start, end}));
    }
    return kept.sort((a, b) => a.start - b.start);
  }

  async function viewIntent(name, mine) {
    const [intent, entityNames, others] = await Promise.all([api("GET", "/intents/" + enc(name)),
      api("GET", "/entities").catch(() => []),
      api("GET", "/intents").then((all) => all.map((i) => i.name)).catch(() => [])]);
    if (!current(mine)) return;
    const editable = can("editor");
    const examples = intent.examples.map((e) => ({text: e.text, language: e.language || languageOf(e.text),
      entities: (e.entities || []).map((mark) => Object.assign({}, mark))}));
    let open = null; // the example being edited
    let moving = null; // the example being moved
    const groups = el("div", {class: "ad-groups"});
    const status = el("span", {class: "ad-unsaved", "data-test": "intent-status"});
    const saveButton = button(t("save"), guard(save), "intent-save", {class: "ad-primary", disabled: true});
    const discardButton = button(t("discard"), () => { dirty = false; reload(); }, "intent-discard", {disabled: true});

    function changed() {
      dirty = true;
      saveButton.disabled = discardButton.disabled = false;
      status.textContent = t("unsaved");
    }
    async function save() {
      if (examples.some((e) => !e.text.trim())) return notice(t("emptyExample"), "error");
      await api("PUT", "/intents/" + enc(name), {version: intent.version,
        examples: examples.map((e) => ({text: e.text.trim(), entities: e.entities}))});
      dirty = false;
      reload(t("saved"));
    }

    function draw() {
      groups.replaceChildren(...["zh", "en"].map((language) => {
        const group = examples.filter((e) => e.language === language);
        return el("section", {class: "ad-group", "data-test": "examples-" + language,
          lang: language === "zh" ? "zh-CN" : "en"}, el("h3", {}, t(language + "Examples") + " (" + group.length + ")"),
          group.length ? el("ul", {class: "ad-examples"}, group.map(item))
            : el("p", {class: "ad-empty"}, t("noExamples")));
      }));
    }

    function item(example) {
      const row = el("li", {class: "ad-example", "data-test": "example", "data-text": example.text});
      if (example === open) {
        row.append(editor(example));
        return row;
      }
      row.append(el("span", {class: "ad-example-text"}, annotated(example.text, example.entities)));
      if (editable) {
        const focusing = (editing, selector) => () => {
          [open, moving] = editing ? [example, null] : [null, example];
          draw();
          groups.querySelector(selector).focus();
        };
        row.append(el("span", {class: "ad-actions"},
          button(t("edit"), focusing(true, "[data-test=example-text]"), "example-edit"),
          button(t("move"), focusing(false, "[data-test=move-target]"), "example-move"),
          button(t("delete"), () => {
            examples.splice(examples.indexOf(example), 1);
            changed();
            draw();
          }, "example-delete")));
      }
      if (example === moving) row.append(mover(example));
      return row;
    }

    function editor(example) {
      const id = "ad-ex-" + (++counter);
      let base = example.entities.slice(); // the marks as last set by hand; typing relocates these
      const input = el("input", {id, class: "ad-wide", value: example.text, "data-test": "example-text",
        "aria-describedby": id + "-help", maxlength: 500});
      const preview = el("div", {class: "ad-preview", "data-test": "example-preview", "aria-hidden": "true"});
      const chips = el("ul", {class: "ad-chips", "aria-label": t("entitiesLabel")});
      const choice = entityNames.length ? el("select", {id: id + "-entity", "data-test": "entity-select"},
        entityNames.map((n) => el("option", {value: n}, n))) : el("input", {id: id + "-entity", "data-test": "entity-select"});
      function refresh() {
        preview.replaceChildren(...annotated(example.text, example.entities));
        chips.replaceChildren(...example.entities.map((mark, index) => el("li", {"data-test": "entity", "data-entity": mark.entity},
          el("mark", {class: "ad-entity"}, mark.value, el("small", {}, mark.entity)),
          button("×", () => { example.entities.splice(index, 1); base = example.entities.slice(); changed(); refresh(); },
            "entity-remove", {class: "ad-x", "aria-label": t("removeEntity", mark.entity, mark.value)}))));
      }
      input.addEventListener("keydown", (event) => { if (event.key === "Enter") close(); });
      input.addEventListener("input", () => {
        example.text = input.value;
        example.entities = relocated(example.text, base);
        changed();
        refresh();
      });
      function close() {
        open = null;
        example.language = languageOf(example.text);
        draw();
      }
      function mark() {
        // The input keeps its selection while the dropdown or this button has the focus.
        const text = example.text;
        let start = input.selectionStart;
        let end = input.selectionEnd;
        while (start < end && /\s/.test(text[start])) start++;
        while (end > start && /\s/.test(text[end - 1])) end--;
        if (start == null || start >= end) return notice(t("selectFirst"), "error");
        if (example.entities.some((m) => m.start < end && start < m.end)) return notice(t("overlap"), "error");
        const entity = choice.value.trim();
        if (!entity) return notice(t("pickEntity"), "error");
        example.entities.push({start, end, entity, value: text.slice(start, end)});
        example.entities.sort((a, b) => a.start - b.start);
        base = example.entities.slice();
        clearNotice();
        changed();
        refresh();
      }
      refresh();
      return el("div", {class: "ad-editor"}, el("label", {for: id}, t("exampleText")), input, preview,
        el("small", {id: id + "-help", class: "ad-help"}, t("markHelp")),
        el("div", {class: "ad-row"}, el("label", {for: choice.id}, t("entity")), choice,
          button(t("markEntity"), mark, "entity-mark"),
          button(t("done"), close, "example-done", {class: "ad-primary"})),
        chips);
    }

    function mover(example) {
      const target = el("select", {"data-test": "move-target"}, el("option", {value: ""}, t("chooseIntent")),
        others.filter((n) => n !== name).map((n) => el("option", {value: n}, n)));
      return el("div", {class: "ad-row ad-inline-form"}, field(t("moveTo"), target),
        button(t("move"), guard(async () => {
          if (!target.value) return notice(t("chooseIntent"), "error");
          if (dirty) return notice(t("saveFirst"), "error");
          await api("POST", "/examples/move", {text: example.text, source: name, target: target.value});
          reload(t("moved", target.value));
        }), "move-confirm", {class: "ad-primary"}),
        button(t("cancel"), () => { moving = null; draw(); }, "move-cancel"));
    }

    const newText = el("input", {class: "ad-wide", maxlength: 500, "data-test": "example-new-text"});
    const adder = el("form", {class: "ad-row ad-add", onsubmit: (event) => {
      event.preventDefault();
      const text = newText.value.trim();
      if (!text) return;
      if (examples.some((e) => e.text === text)) return notice(t("duplicate"), "error");
      const example = {text, language: languageOf(text), entities: []};
      examples.push(example);
      open = example; // opened for marking entities straight away
      moving = null;
      newText.value = "";
      changed();
      draw();
    }}, field(t("newExample"), newText), el("button", {type: "submit", "data-test": "example-add"}, t("add")));

    draw();
    show(mine, el("p", {}, el("a", {href: "#/intents"}, "← " + t("allIntents"))),
      el("h2", {"data-test": "intent-name"}, name, intent.faq ? badge(t("faqBadge")) : null),
      el("p", {class: "ad-muted"}, t("fileIs", intent.file || "")),
      intent.faq ? el("p", {}, el("a", {href: "#/responses?q=" + enc(name), "data-test": "intent-answer-link"}, t("editAnswer"))) : null,
      editable ? adder : null, groups,
      editable ? el("div", {class: "ad-bar"}, saveButton, discardButton, status,
        confirming(t("deleteIntent"), t("deleteIntentQ"), async () => {
          await api("DELETE", "/intents/" + enc(name) + "?version=" + enc(intent.version));
          dirty = false;
          go("#/intents", t("deleted"));
        }, "intent-delete", "ad-danger")) : null);
  }

  // -- FAQ topics and responses --------------------------------------------------------------------
  async function viewFaq(arg, query, mine) {
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

  async function viewResponses(arg, query, mine) {
    const list = el("div", {});
    const search = searchBox(query.get("q"), guard(load), "response-search");
    async function load() {
      const responses = await api("GET", "/responses?q=" + enc(boxValue(search)));
      if (!current(mine)) return;
      list.replaceChildren(responses.length ? el("ul", {class: "ad-cards"}, responses.map(card))
        : el("p", {class: "ad-empty"}, t("nothingFound")));
    }
    function card(response) {
      const box = el("li", {class: "ad-card", "data-test": "response", "data-name": response.name});
      const reading = () => box.replaceChildren(el("h3", {}, response.name),
        el("dl", {class: "ad-texts"}, el("dt", {}, t("zhText")), el("dd", {lang: "zh-CN"}, response.zh || "—"),
          el("dt", {}, t("enText")), el("dd", {lang: "en"}, response.en || "—")),
        can("editor") ? button(t("edit"), writing, "response-edit") : null);
      const writing = () => {
        const zh = el("textarea", {rows: 4, lang: "zh-CN", value: response.zh || "", "data-test": "response-zh"});
        const en = el("textarea", {rows: 4, lang: "en", value: response.en || "", "data-test": "response-en"});
        box.replaceChildren(el("h3", {}, response.name), field(t("zhText"), zh), field(t("enText"), en),
          el("div", {class: "ad-row"}, button(t("save"), guard(async () => {
            await api("PUT", "/responses/" + enc(response.name), {zh: zh.value, en: en.value, version: response.version});
            notice(t("saved"));
            await load();
          }), "response-save", {class: "ad-primary"}), button(t("cancel"), reading, "response-cancel")));
        zh.focus();
      };
      reading();
      return box;
    }
    await load();
    show(mine, el("h2", {}, t("nav_responses")), search, list);
  }

  // -- the knowledge base --------------------------------------------------------------------------
  const categories = new Set(); // every category seen, for the filter and the form's suggestions

  async function viewKnowledge(id, query, mine) {
    if (id || query.has("new")) return viewEntry(id, mine);
    const list = el("div", {});
    const search = searchBox(query.get("q"), guard(load), "kb-search");
    const category = el("select", {"data-test": "kb-filter-category", onchange: guard(load)});
    async function load() {
      const entries = await api("GET", "/knowledge?q=" + enc(boxValue(search)) + "&category=" + enc(category.value));
      if (!current(mine)) return;
      entries.forEach((entry) => categories.add(entry.category));
      const chosen = category.value;
      category.replaceChildren(el("option", {value: ""}, t("allCategories")),
        [...categories].sort().map((c) => el("option", {value: c}, c)));
      category.value = chosen;
      list.replaceChildren(entries.length ? table([t("kbId"), t("category"), t("zhSide"), t("enSide")],
        entries.map((entry) => el("tr", {"data-test": "kb-row", "data-id": entry.id},
          el("td", {}, el("a", {href: "#/knowledge/" + enc(entry.id), "data-test": "kb-link"}, entry.id)),
          el("td", {}, entry.category), el("td", {lang: "zh-CN"}, entry.zh ? entry.zh.question : "—"),
          el("td", {lang: "en"}, entry.en ? entry.en.question : "—"))), "kb")
        : el("p", {class: "ad-empty"}, t("nothingFound")));
    }
    await load();
    show(mine, el("h2", {}, t("nav_knowledge")),
      el("div", {class: "ad-row"}, search, field(t("category"), category),
        can("editor") ? el("a", {href: "#/knowledge?new=1", class: "ad-button ad-primary", "data-test": "kb-new"}, t("kbNew")) : null),
      list,
      el("section", {class: "ad-card"}, el("div", {class: "ad-row"},
        ["jsonl", "csv"].map((format) => button(t("exportAs", format.toUpperCase()),
          guard(() => download("/knowledge/export?format=" + format, "knowledge." + format)), "kb-export-" + format))),
      can("editor") ? importer("/knowledge/import", "kb-import", true) : null));
  }

  async function viewEntry(id, mine) {
    const entry = id ? await api("GET", "/knowledge/" + enc(id)) : {id: "", category: "", source: ""};
    if (!current(mine)) return;
    const editable = can("editor");
    const input = (test, value, extra) => el("input", Object.assign({value: value || "", "data-test": test}, extra));
    const area = (test, value, rows) => el("textarea", {value: value || "", rows, "data-test": test});
    const idInput = input("kb-id", entry.id, {required: true, readonly: Boolean(id)});
    const categoryInput = input("kb-category", entry.category, {list: "ad-categories"});
    const sourceInput = input("kb-source", entry.source);
    const sides = {};
    const fieldsets = ["zh", "en"].map((language) => {
      const side = entry[language] || {};
      const lang = language === "zh" ? "zh-CN" : "en";
      sides[language] = {question: input("kb-" + language + "-question", side.question, {lang}),
        paraphrases: area("kb-" + language + "-paraphrases", (side.paraphrases || []).join("\n"), 5),
        answer: area("kb-" + language + "-answer", side.answer, 5)};
      sides[language].paraphrases.lang = sides[language].answer.lang = lang;
      return el("fieldset", {class: "ad-side"}, el("legend", {}, t(language + "Side")),
        field(t("question"), sides[language].question), field(t("paraphrases"), sides[language].paraphrases),
        field(t("answer"), sides[language].answer));
    });
    const save = guard(async (event) => {
      event.preventDefault();
      const data = Object.assign({}, entry, {id: idInput.value.trim(), category: categoryInput.value.trim(),
        source: sourceInput.value.trim()});
      delete data.version;
      for (const [language, side] of Object.entries(sides)) {
        const value = {question: side.question.value.trim(), paraphrases: lines(side.paraphrases.value),
          answer: side.answer.value.trim()};
        // A language left empty is left out: an entry may be in one language only.
        if (value.question || value.answer || value.paraphrases.length) data[language] = value;
        else delete data[language];
      }
      const saved = id ? await api("PUT", "/knowledge/" + enc(id), Object.assign(data, {version: entry.version}))
        : await api("POST", "/knowledge", data);
      go("#/knowledge/" + enc(saved.id), t("saved"));
    });
    show(mine, el("p", {}, el("a", {href: "#/knowledge"}, "← " + t("allEntries"))),
      el("h2", {}, id || t("kbNew")),
      el("form", {class: "ad-card", onsubmit: save, "data-test": "kb-form"},
        el("fieldset", {class: "ad-plain", disabled: !editable},
          el("div", {class: "ad-row"}, field(t("kbId"), idInput), field(t("category"), categoryInput),
            field(t("source"), sourceInput)),
          el("datalist", {id: "ad-categories"}, [...categories].map((c) => el("option", {value: c}))),
          el("div", {class: "ad-sides"}, fieldsets)),
        editable ? el("div", {class: "ad-bar"}, el("button", {type: "submit", class: "ad-primary", "data-test": "kb-save"}, t("save")),
          id ? confirming(t("deleteEntry"), t("deleteEntryQ"), async () => {
            await api("DELETE", "/knowledge/" + enc(id) + "?version=" + enc(entry.version));
            go("#/knowledge", t("deleted"));
          }, "kb-delete", "ad-danger") : null) : null));
  }

  // -- conversation review -------------------------------------------------------------------------
  async function viewReview(sender, query, mine) {
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

  // -- training and models -------------------------------------------------------------------------
  // Each part loads on its own, so one part the server lacks doesn't hide the others.
  async function part(box, title, load) {
    try { await load(); } catch (error) {
      if (error.status === 401) return;
      box.replaceChildren(el("h3", {}, title),
        el("p", {class: "ad-empty", "data-test": "part-error"}, error.message || t("failed")));
    }
  }

  async function viewTraining(arg, query, mine) {
    const editable = can("editor");
    const trainBox = el("section", {class: "ad-card", "data-test": "training"});
    const modelBox = el("section", {class: "ad-card", "data-test": "models"});
    const dataBox = el("section", {class: "ad-card", "data-test": "training-data"});
    show(mine, el("h2", {}, t("nav_training")), trainBox, modelBox, dataBox);

    // Training: two buttons, then the job's state, progress and log, polled every second.
    const stateText = el("strong", {"data-test": "train-state"});
    const stage = el("span", {"data-test": "train-stage"});
    const progress = el("progress", {max: 1, value: 0, "data-test": "train-progress", "aria-label": t("training")});
    const percent = el("span", {class: "ad-muted"});
    const log = el("pre", {class: "ad-log", "data-test": "train-log", tabindex: "0", "aria-label": t("trainingLog")});
    const outcome = el("p", {"data-test": "train-result"});
    const job = el("div", {class: "ad-job", hidden: true}, el("p", {class: "ad-row"}, stateText, stage, percent),
      progress, outcome, el("h4", {}, t("trainingLog")), log);
    const starters = ["quick", "full"].map((config) => button(t(config), async () => {
      following++; // the last job's "done" goes at once, not when the server answers
      log.textContent = "";
      showJob({state: "training", progress: 0});
      try {
        follow((await api("POST", "/training", {config})).id);
      } catch (error) {
        failed(error); // e.g. 409: one is already running, which is then shown
        job.hidden = true;
        starters.forEach((other) => { other.disabled = false; });
        resume();
      }
    }, "train-" + config, {class: config === "quick" ? "ad-primary" : ""}));
    let since = 0;
    let following = 0; // only the latest job followed keeps polling

    function showJob(update) {
      job.hidden = false;
      const running = RUNNING.includes(update.state);
      stateText.textContent = named("state_", update.state);
      stateText.dataset.state = job.dataset.state = update.state;
      job.dataset.job = update.id || "";
      stage.textContent = update.stage ? t("stage") + (state.language === "zh" ? "：" : ": ") + update.stage : "";
      progress.value = update.progress || (update.state === "done" ? 1 : 0);
      percent.textContent = Math.round(progress.value * 100) + "%";
      if (update.log && update.log.length) {
        const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
        log.append(update.log.join("\n") + "\n");
        if (atBottom) log.scrollTop = log.scrollHeight; // follow the log unless the reader scrolled up
      }
      outcome.textContent = update.state === "failed" ? (update.error || t("state_failed"))
        : update.model ? t("newModel", update.model) : "";
      outcome.className = update.state === "failed" ? "ad-error" : "";
      starters.forEach((b) => { b.disabled = running; });
    }

    async function follow(id) {
      const me = ++following;
      let sawRunning = false; // say "done" only for a job seen running here, not an old one
      since = 0;
      log.textContent = "";
      while (current(mine) && me === following) {
        let update;
        try {
          update = await api("GET", "/training/" + enc(id) + "?since=" + since);
        } catch (error) {
          if (error.status !== 0) return failed(error);
          await sleep(3000); // the network blinked: keep trying
          continue;
        }
        if (!current(mine) || me !== following) return;
        showJob(update);
        since = update.next != null ? update.next : since + (update.log || []).length;
        if (!RUNNING.includes(update.state)) {
          if (update.state === "done" && sawRunning) {
            notice(t("trainingDone"));
            part(modelBox, t("models"), loadModels);
          }
          return;
        }
        sawRunning = true;
        await sleep(1000);
      }
    }

    trainBox.replaceChildren(el("h3", {}, t("training")), el("p", {class: "ad-help"}, t("trainingHelp")),
      editable ? el("div", {class: "ad-row"}, starters) : null, job);
    const resume = () => part(trainBox, t("training"), async () => {
      const latest = await api("GET", "/training");
      if (latest && latest.id && current(mine)) follow(latest.id); // a reloaded page picks up the job
    });
    resume();

    // Models: newest first, each figure with its change against the previous version.
    async function loadModels() {
      const models = await api("GET", "/models");
      if (!current(mine)) return;
      const liveIndex = models.findIndex(isLive);
      const figureCell = (model, index, language) => {
        const figures = model.figures && model.figures[language];
        if (!figures) return el("td", {class: "ad-muted"}, "—");
        const older = models.slice(index + 1).find((m) => m.figures && m.figures[language]);
        return el("td", {}, el("dl", {class: "ad-figures"}, FIGURES.map((key) => {
          const value = figures[key];
          const before = older ? older.figures[language][key] : null;
          const change = value != null && before != null ? value - before : null;
          return [el("dt", {}, t(key)), el("dd", {}, value != null ? value.toFixed(3) : "—",
            change != null && Math.abs(change) >= 0.0005 ? el("span", {class: change > 0 ? "ad-up" : "ad-down"},
              " " + (change > 0 ? "+" : "-") + Math.abs(change).toFixed(3)) : null)];
        })));
      };
      const action = (model, index) => {
        if (isLive(model)) return badge(t("live"), "model-live", "ad-live");
        if (!can("admin") || model.state === "failed") return null;
        const back = liveIndex >= 0 && index > liveIndex;
        return confirming(t(back ? "rollback" : "deploy"), t(back ? "rollbackQ" : "deployQ"), async () => {
          const done = await api("POST", "/models/" + enc(model.id) + "/deploy");
          await loadModels();
          notice(t("deployed", done.id, done.seconds != null ? Number(done.seconds).toFixed(1) : "?"));
        }, back ? "model-rollback" : "model-deploy", back ? "" : "ad-primary");
      };
      modelBox.replaceChildren(el("h3", {}, t("models")), models.length ? el("div", {class: "ad-scroll"}, table(
        [t("version"), t("createdAt"), t("createdBy"), t("config"), t("seconds"), t("zhSide"), t("enSide"), t("status"), t("actions")],
        models.map((model, index) => el("tr", {"data-test": "model-row", "data-id": model.id,
          "data-deployed": String(isLive(model)), class: isLive(model) ? "ad-live-row" : null},
        el("td", {}, el("code", {}, model.id)), el("td", {}, when(model.created_at)), el("td", {}, model.created_by || ""),
        el("td", {}, model.config ? t(model.config) : ""),
        el("td", {class: "ad-num"}, model.training_seconds != null ? Math.round(model.training_seconds) + " s" : ""),
        figureCell(model, index, "zh"), figureCell(model, index, "en"),
        el("td", {}, named("state_", model.state)), el("td", {}, action(model, index)))), "models"))
        : el("p", {class: "ad-empty"}, t("noModels")));
    }
    modelBox.replaceChildren(el("h3", {}, t("models")), el("p", {class: "ad-muted"}, t("loading")));
    part(modelBox, t("models"), loadModels);

    dataBox.replaceChildren(el("h3", {}, t("trainingData")), el("p", {class: "ad-help"}, t("trainingDataHelp")),
      el("div", {class: "ad-row"}, button(t("exportYaml"),
        guard(() => download("/training-data/export", "training-data.yml")), "td-export")),
      editable ? importer("/training-data/import", "td-import", false) : null);
  }

  // -- change history ------------------------------------------------------------------------------
  function diffView(text) {
    return el("pre", {class: "ad-diff", "data-test": "change-diff"}, text.split("\n").map((line) =>
      el("span", {class: /^(\+\+\+|---)/.test(line) ? "ad-diff-file" : line[0] === "+" ? "ad-diff-add"
        : line[0] === "-" ? "ad-diff-del" : line.startsWith("@@") ? "ad-diff-hunk" : null}, line + "\n")));
  }

  async function viewChanges(arg, query, mine) {
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

  // -- staff accounts (admins) ---------------------------------------------------------------------
  async function viewStaff(arg, query, mine) {
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

  // -- signing in and out --------------------------------------------------------------------------
  function showSignIn(message) {
    generation++; // stops any page still loading or polling
    Object.assign(state, {user: null, role: null, csrf: null});
    dirty = false;
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

  function signedIn(session) {
    Object.assign(state, {user: session.username, role: session.role, csrf: session.csrf_token});
    label();
    route();
  }

  async function signOut() {
    if (dirty && !confirm(t("dropChanges"))) return;
    try { await api("DELETE", "/session", undefined, {quiet: true}); } catch (error) { /* signed out anyway */ }
    showSignIn();
  }

  label();
  api("GET", "/session", undefined, {quiet: true}).then(signedIn,
    (error) => showSignIn(error.status === 401 ? "" : error.message));
})();
