/* 小安 / An staff editor (/admin): intents and examples, FAQ topics, responses, the knowledge
 * base, conversation review, training and models, the change history and staff accounts.
 *
 * ES modules loaded as they are (index.html: <script type="module">), no build step, nothing
 * loaded from elsewhere. This one puts the pages together and starts: frame.js holds the header,
 * notices and routing, api.js the requests, one module per page the rest.
 */
import {api, onExpired} from "./api.js";
import {viewChanges} from "./changes.js";
import {label, languageButton, reload, signOutButton, startRouting} from "./frame.js";
import {viewFaq, viewIntents} from "./intents.js";
import {viewKnowledge} from "./knowledge.js";
import {viewResponses} from "./responses.js";
import {viewReview} from "./review.js";
import {showSignIn, signOut, signedIn} from "./signin.js";
import {viewStaff} from "./staff.js";
import {languageKey, state} from "./state.js";
import {t} from "./text.js";
import {viewTraining} from "./training.js";

function switchLanguage() {
  if (state.dirty && !confirm(t("dropChanges"))) return;
  state.language = state.language === "zh" ? "en" : "zh";
  localStorage.setItem(languageKey, state.language);
  label();
  if (state.user) reload(); else showSignIn();
}

languageButton.addEventListener("click", switchLanguage);
signOutButton.addEventListener("click", signOut);
onExpired(showSignIn);
startRouting({intents: viewIntents, faq: viewFaq, responses: viewResponses, knowledge: viewKnowledge,
  review: viewReview, training: viewTraining, changes: viewChanges, staff: viewStaff});

label();
api("GET", "/session", undefined, {quiet: true}).then(signedIn,
  (error) => showSignIn(error.status === 401 ? "" : error.message));
