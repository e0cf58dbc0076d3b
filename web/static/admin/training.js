// Training and models: start a training and follow its log, the model versions with their
// held-out figures (deploy and roll back), and the training data as one YAML file.
import {api, download} from "./api.js";
import {badge, button, el, table} from "./dom.js";
import {failed, guard, notice, show} from "./frame.js";
import {can, current, enc, sleep, state, when} from "./state.js";
import {named, t} from "./text.js";
import {confirming, importer} from "./widgets.js";

// The figures shown per model. Which FAQ topic answers is the answer decision's call
// (measured end to end, make eval-e2e), so no FAQ figure is shown here.
const FIGURES = ["intent_accuracy", "intent_macro_f1", "intent_macro_f1_by_intent"];
const isLive = (model) => Boolean(model.live);
const RUNNING = ["training", "evaluating"];

// Each part loads on its own, so one part the server lacks doesn't hide the others.
async function part(box, title, load) {
  try { await load(); } catch (error) {
    if (error.status === 401) return;
    box.replaceChildren(el("h3", {}, title),
      el("p", {class: "ad-empty", "data-test": "part-error"}, error.message || t("failed")));
  }
}

export async function viewTraining(arg, query, mine) {
  const editable = can("editor");
  const trainBox = el("section", {class: "ad-card", "data-test": "training"});
  const modelBox = el("section", {class: "ad-card", "data-test": "models"});
  const dataBox = el("section", {class: "ad-card", "data-test": "training-data"});
  show(mine, el("h2", {}, t("nav_training")), trainBox, modelBox, dataBox);
  const refreshModels = () => part(modelBox, t("models"), () => loadModels(modelBox, mine));
  trainer(trainBox, editable, mine, refreshModels);
  modelBox.replaceChildren(el("h3", {}, t("models")), el("p", {class: "ad-muted"}, t("loading")));
  refreshModels();
  dataBox.replaceChildren(el("h3", {}, t("trainingData")), el("p", {class: "ad-help"}, t("trainingDataHelp")),
    el("div", {class: "ad-row"}, button(t("exportYaml"),
      guard(() => download("/training-data/export", "training-data.yml")), "td-export")),
    editable ? importer("/training-data/import", "td-import", false) : null);
}

// The job's state, stage, progress, outcome and log (hidden until there is a job).
function jobPanel() {
  const panel = {
    stateText: el("strong", {"data-test": "train-state"}),
    stage: el("span", {"data-test": "train-stage"}),
    progress: el("progress", {max: 1, value: 0, "data-test": "train-progress", "aria-label": t("training")}),
    percent: el("span", {class: "ad-muted"}),
    log: el("pre", {class: "ad-log", "data-test": "train-log", tabindex: "0", "aria-label": t("trainingLog")}),
    outcome: el("p", {"data-test": "train-result"})};
  panel.job = el("div", {class: "ad-job", hidden: true}, el("p", {class: "ad-row"}, panel.stateText, panel.stage,
    panel.percent), panel.progress, panel.outcome, el("h4", {}, t("trainingLog")), panel.log);
  return panel;
}

function showJob(panel, starters, update) {
  const {job, stateText, stage, progress, percent, log, outcome} = panel;
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

// Training: two buttons, then the job's state, progress and log, polled every second.
function trainer(box, editable, mine, refreshModels) {
  const panel = jobPanel();
  const starters = ["quick", "full"].map((config) => button(t(config), async () => {
    following++; // the last job's "done" goes at once, not when the server answers
    panel.log.textContent = "";
    showJob(panel, starters, {state: "training", progress: 0});
    try {
      follow((await api("POST", "/training", {config})).id);
    } catch (error) {
      failed(error); // e.g. 409: one is already running, which is then shown
      panel.job.hidden = true;
      starters.forEach((other) => { other.disabled = false; });
      resume();
    }
  }, "train-" + config, {class: config === "quick" ? "ad-primary" : ""}));
  let since = 0;
  let following = 0; // only the latest job followed keeps polling

  async function follow(id) {
    const me = ++following;
    let sawRunning = false; // say "done" only for a job seen running here, not an old one
    since = 0;
    panel.log.textContent = "";
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
      showJob(panel, starters, update);
      since = update.next != null ? update.next : since + (update.log || []).length;
      if (!RUNNING.includes(update.state)) {
        if (update.state === "done" && sawRunning) {
          notice(t("trainingDone"));
          refreshModels();
        }
        return;
      }
      sawRunning = true;
      await sleep(1000);
    }
  }

  box.replaceChildren(el("h3", {}, t("training")), el("p", {class: "ad-help"}, t("trainingHelp")),
    editable ? el("div", {class: "ad-row"}, starters) : null, panel.job);
  const resume = () => part(box, t("training"), async () => {
    const latest = await api("GET", "/training");
    if (latest && latest.id && current(mine)) follow(latest.id); // a reloaded page picks up the job
  });
  resume();
}

// Models: newest first, each figure with its change against the previous version.
async function loadModels(box, mine) {
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
      await loadModels(box, mine);
      notice(t("deployed", done.id, done.seconds != null ? Number(done.seconds).toFixed(1) : "?"));
    }, back ? "model-rollback" : "model-deploy", back ? "" : "ad-primary");
  };
  box.replaceChildren(el("h3", {}, t("models")), models.length ? el("div", {class: "ad-scroll"}, table(
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
