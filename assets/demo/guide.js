// herobot demo: "Start here", four steps that each take one click, switching who you are where a
// step needs someone else; the story library as whoever you are; and the reset button. Runs
// beside app.js and uses its helpers. Text reaches the page only through textContent.
"use strict";

const STEPS = ["recognise", "story", "ask", "board"];

// Sample reasons for step 1, one after the other, so a second try is not refused as a repeat.
const SAMPLE_REASONS = [
  "for driving a spare part across town at 7 am so the clinic could open on time",
  "for calling back a customer on her day off to make sure the fix had held",
  "for rewriting the onboarding checklist so a new customer was live in a day",
];

const SAMPLE_STORY = {
  title: "The pallet that went to Porto",
  what_went_wrong: "A pallet of monitors for a school went to Porto instead of Lisbon, the week before term.",
  how_fixed: "We rebooked it on the first truck out, drove the last leg ourselves and called the school every step.",
  surprise: "A free monitor stand for every classroom, and a note from the driver.",
  tags: "logistics",
};

function markDone(step) {
  sessionStorage.setItem("herobot-demo-step-" + step, "done");
  showDone();
}

function showDone() {
  for (const step of STEPS) {
    const button = document.querySelector('#start .step[data-step="' + step + '"]');
    if (button) button.classList.toggle("done", sessionStorage.getItem("herobot-demo-step-" + step) === "done");
  }
}

// Says in the sidebar what just happened and what to do next; `links` are [label, onclick].
function note(text, links) {
  const box = $("step-note");
  box.replaceChildren(el("span", null, text));
  for (const [label, onclick] of links || []) {
    const link = el("button", "note-link", label);
    link.type = "button";
    link.addEventListener("click", onclick);
    box.appendChild(link);
  }
  box.hidden = false;
  // The note takes room from the channel: keep its newest messages, the step's result, in view.
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

// Becomes `id`, as the "You are" picker does.
function be(id) {
  if (state.you === id) return;
  const you = $("you");
  you.value = id;
  you.dispatchEvent(new Event("change"));
}

// Types `text` into the message box and sends it.
async function typeAndSend(text) {
  $("composer").value = text;
  await send({ preventDefault() {} });
}

function nameOf(id) {
  const p = person(id);
  return p ? p.name : "someone";
}

async function guide(step) {
  if (state.busy) return;
  state.busy = true;
  try {
    await STEP_ACTIONS[step]();
  } finally {
    state.busy = false;
  }
}

const STEP_ACTIONS = {
  // 1. A quick nomination as you, in #service-heroes: the confirmation and the celebration.
  async recognise() {
    const hero = someoneElse();
    const tries = Number(sessionStorage.getItem("herobot-demo-tries") || "0");
    sessionStorage.setItem("herobot-demo-tries", String(tries + 1));
    const reason = SAMPLE_REASONS[tries % SAMPLE_REASONS.length];
    openChannel(state.workspace.heroes_channel);
    await typeAndSend("/hero @" + hero.handle + " " + reason + " #external");
    markDone("recognise");
    note(
      "You recognised " + hero.name + ": the celebration is in this channel for everyone, and " +
        hero.name.split(" ")[0] + " got a DM. Type your own: /hero @ and a name, a reason, a #tag.",
    );
  },

  // 2. The story form, filled in with a sample crediting a colleague: change anything, save.
  async story() {
    openChannel(state.workspace.stories_channel);
    const reply = await run(() => api("/demo/api/send", { user: state.you, channel: state.channel, text: "/hero story" }));
    if (!reply || !reply.view) return;
    const hero = someoneElse();
    fillStory(hero);
    const words = "A sample story is filled in for you, crediting " + hero.name + ". Change anything, then press " + submitLabel() + ".";
    note(words);
    // The note above the channel is behind the form: the form says it too.
    $("modal").querySelector(".modal-body").prepend(el("p", "modal-note", words));
    markDone("story");
  },

  // 3. Ask the customer from a teller's confirmation (yours, or a colleague's if you told no
  // story for an external customer), then open the link as the customer would.
  async ask() {
    const found = askable();
    if (!found) {
      note("First tell a story (step 2): its confirmation has the Ask the customer button.");
      return;
    }
    be(found.teller);
    openChannel(found.channel);
    const button = document.querySelector('#messages button[data-action-id="ask_customer"][data-value="' + CSS.escape(found.story) + '"]');
    if (!button) return;
    button.scrollIntoView({ block: "center" });
    const before = entriesOf(found.channel).length;
    button.click();
    await waitFor(() => entriesOf(found.channel).length > before);
    state.scrollToEnd = true;
    renderMessages();
    markDone("ask");
    note(
      "You are " + nameOf(found.teller) + ", who told \u201C" + found.title + "\u201D. herobot gave you the link to send the " +
        "customer (below). Open it to answer as the customer; the heroes hear if they were blown away.",
      [["Answer as the customer", () => openAnswerLink(found.channel)]],
    );
  },

  // 4. As the leader: last week's digest with its scorecard, and the wallboard's link.
  async board() {
    be(state.workspace.leader.id);
    openChannel(state.workspace.digest_channel);
    await typeAndSend("/hero wall");
    markDone("board");
    note(
      "You are " + state.workspace.leader.name + ", the leader. Last week's digest (above) carries the recovery " +
        "scorecard; herobot's answer (below) opens the wallboard.",
      [
        ["Open the wallboard", () => openWallboard()],
        ["Open the scorecard page", () => openLibrary(digestScorecard())],
      ],
    );
  },
};

function submitLabel() {
  const submit = $("modal-submit");
  return submit ? submit.textContent : "the button";
}

function fillStory(hero) {
  const set = (block, value) => {
    const input = document.querySelector('#modal .field[data-block="' + block + '"] [data-control]');
    if (input && "value" in input && !input.classList.contains("radios")) input.value = value;
  };
  const choose = (block, value) => {
    const field = document.querySelector('#modal .field[data-block="' + block + '"]');
    if (!field) return;
    const select = field.querySelector("select");
    if (select) select.value = value;
    const radio = field.querySelector('input[type="radio"][value="' + CSS.escape(value) + '"]');
    if (radio) radio.checked = true;
  };
  for (const [block, value] of Object.entries(SAMPLE_STORY)) set(block, value);
  const now = Date.now() / 1000 + state.skew;
  set("happened_at", localValue(now - 9 * 3600));
  set("fixed_at", localValue(now - 3 * 3600));
  choose("customer_kind", "external");
  const chip = document.querySelector('#modal .field[data-block="heroes"] .person-chip[data-user="' + hero.id + '"]');
  if (chip) chip.setAttribute("aria-pressed", "true");
}

// The buttons "Ask the customer" on tellers' confirmations, newest first: {teller, channel,
// story, title, external}.
function askButtons() {
  const found = [];
  for (const [channel, entries] of state.entries) {
    for (const entry of entries) {
      if (!entry.ephemeralFor || !entry.message || !Array.isArray(entry.message.blocks)) continue;
      for (const block of entry.message.blocks) {
        for (const element of block.elements || []) {
          if (element.action_id === "ask_customer" && element.value) {
            found.push({ teller: entry.ephemeralFor, channel, story: element.value, seq: entry.seq });
          }
        }
      }
    }
  }
  found.sort((a, b) => b.seq - a.seq);
  for (const f of found) Object.assign(f, storyPost(f.story));
  return found;
}

// What the story's post in the stories channel says: its title and its kind of customer.
function storyPost(story) {
  const entries = entriesOf(state.workspace.stories_channel);
  for (let i = entries.length - 1; i >= 0; i--) {
    if (entries[i].ephemeralFor) continue;
    const blocks = (entries[i].message && entries[i].message.blocks) || [];
    const buttons = blocks.flatMap((b) => b.elements || []).filter((e) => e.value === story && e.action_id);
    if (!buttons.length) continue;
    const words = JSON.stringify(blocks);
    const header = blocks.find((b) => b.type === "header" || b.type === "section");
    const title = header && header.text ? decode(header.text.text).replace(/[*:]/g, "").replace(/^\s*\S+\s+/, "") : "their story";
    return { posted: true, external: /Customer: external/.test(words), title: title.slice(0, 80) };
  }
  // The post is on its way (a confirmation can arrive before it).
  return { posted: false, external: false, title: "your story" };
}

// A confirmation to ask from: yours for an external customer (or one just told, whose post is
// still on its way), else a colleague's, else yours.
function askable() {
  const all = askButtons();
  return (
    all.find((f) => f.teller === state.you && (f.external || !f.posted)) ||
    all.find((f) => f.external) ||
    all.find((f) => f.teller === state.you) ||
    null
  );
}

// The newest answer link herobot gave in `channel`.
function openAnswerLink(channel) {
  const links = Array.from(document.querySelectorAll('#messages a[href*="/answer/"]'));
  if (links.length) {
    location.assign(links[links.length - 1].href);
    return;
  }
  openChannel(channel);
}

// The scorecard page of the digest's week (the digest links to it), else the current one.
function digestScorecard() {
  const links = Array.from(document.querySelectorAll('#messages a[href*="/library/scorecard"]'));
  if (!links.length) return "/library/scorecard";
  const url = new URL(links[links.length - 1].href);
  return url.pathname + url.search;
}

function openWallboard() {
  const links = Array.from(document.querySelectorAll('#messages a[href*="/wall/"]'));
  if (links.length) location.assign(links[links.length - 1].href);
}

async function waitFor(test) {
  for (let i = 0; i < 50 && !test(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await poll();
  }
}

// The story library as whoever you are: a leader signs in with herobot's link and lands on
// `next` (else the list); anyone else sees herobot's answer, as in Slack.
async function openLibrary(next) {
  const answer = await run(() => api("/demo/api/library", { user: state.you, channel: state.channel }));
  if (!answer || !answer.url) {
    note("The library is for leaders: herobot's answer is in the channel. Switch to " + state.workspace.leader.name + " to open it.");
    return;
  }
  // A library page asked for before signing in is where the sign-in link lands.
  if (next) await fetch(next, { redirect: "manual", credentials: "same-origin" }).catch(() => null);
  location.assign(answer.url);
}

// Starts the demo over from its sample data, then reloads once it is ready again.
async function resetDemo() {
  $("reset-confirm").hidden = true;
  $("reset-status").hidden = false;
  try {
    await api("/demo/api/reset", {});
  } catch (err) {
    $("reset-status").textContent = "The demo could not start over: " + err.message;
    return;
  }
  for (let i = 0; i < 120; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      const workspace = await api("/demo/api/workspace");
      if (workspace.ready && workspace.started !== state.workspace.started) {
        // A first visit again: nothing remembered, not even the channel this tab leaves.
        state.startingOver = true;
        sessionStorage.clear();
        location.replace("/demo");
        return;
      }
    } catch (err) {
      // Still starting.
    }
  }
  $("reset-status").textContent = "The demo is taking long to start over; reload the page in a moment.";
}
