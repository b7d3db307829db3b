// herobot demo: a Slack-like page. Everything a person does here is sent to the demo server,
// which signs it as Slack would and posts it to herobot's own /slack routes. What Slack would
// show comes back from the fake Slack's record and is rendered from the real Block Kit JSON.
// User text only ever reaches the page through textContent.
"use strict";

const state = {
  workspace: null,
  you: null,
  channel: null,
  after: 0,
  // Per channel: entries {seq, at, ts, user, message, ephemeralFor}.
  entries: new Map(),
  unread: new Set(),
  homes: new Map(),
  modal: null,
  busy: false,
  atBottom: true,
};

const EMOJI = {
  white_check_mark: "\u2705", tada: "\uD83C\uDF89", warning: "\u26A0\uFE0F", stopwatch: "\u23F1\uFE0F",
  star: "\u2B50", lock: "\uD83D\uDD12", hourglass_flowing_sand: "\u23F3", book: "\uD83D\uDCD6",
  trophy: "\uD83C\uDFC6", sparkles: "\u2728", clap: "\uD83D\uDC4F", x: "\u274C", heart: "\u2764\uFE0F",
  raised_hands: "\uD83D\uDE4C", wave: "\uD83D\uDC4B", bulb: "\uD83D\uDCA1", "+1": "\uD83D\uDC4D",
  thumbsup: "\uD83D\uDC4D", chart_with_upwards_trend: "\uD83D\uDCC8", speech_balloon: "\uD83D\uDCAC",
  medal: "\uD83C\uDFC5", sports_medal: "\uD83C\uDFC5", rocket: "\uD83D\uDE80", memo: "\uD83D\uDCDD",
  calendar: "\uD83D\uDCC5", mag: "\uD83D\uDD0D", handshake: "\uD83E\uDD1D", gift: "\uD83C\uDF81",
  hourglass: "\u231B", muscle: "\uD83D\uDCAA", link: "\uD83D\uDD17", eyes: "\uD83D\uDC40",
  clipboard: "\uD83D\uDCCB", bar_chart: "\uD83D\uDCCA",
};

// ---------- small helpers ----------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function $(id) {
  return document.getElementById(id);
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  if (!response.ok) {
    throw new Error((await response.text()) || "HTTP " + response.status);
  }
  return response.json();
}

function everyone() {
  return state.workspace.people.concat([state.workspace.leader]);
}

function person(id) {
  if (id === state.workspace.bot.id) return state.workspace.bot;
  return everyone().find((p) => p.id === id) || null;
}

function dmChannel(userId) {
  return "D" + userId.replace(/^[UW]/, "");
}

function channelInfo(id) {
  const channel = state.workspace.channels.find((c) => c.id === id);
  if (channel) return { id, label: "# " + channel.name, name: channel.name, purpose: channel.purpose };
  const owner = everyone().find((p) => dmChannel(p.id) === id);
  if (owner) return { id, label: "herobot \u00B7 Messages", name: "herobot", purpose: "Your direct messages with herobot", dm: owner.id };
  if (id === "home") return { id, label: "herobot \u00B7 Home", name: "herobot \u00B7 Home", purpose: "Your Home tab in herobot" };
  return { id, label: id, name: id, purpose: "" };
}

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function decode(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function emoji(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join("").toUpperCase();
}

function hue(id) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function timeOf(ts) {
  const date = new Date(parseFloat(ts) * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function dayOf(ts) {
  const date = new Date(parseFloat(ts) * 1000);
  return date.toLocaleDateString([], { weekday: "long", day: "numeric", month: "long" });
}

// ---------- mrkdwn ----------

// Appends Slack mrkdwn to `parent` as DOM nodes: block quotes, code, bold, italic, strike,
// links, user and channel mentions, and emoji.
function mrkdwn(text, parent) {
  const pieces = String(text).split("```");
  pieces.forEach((piece, i) => {
    if (i % 2 === 1) {
      parent.appendChild(el("pre", "pre", decode(piece)));
      return;
    }
    const lines = piece.split("\n");
    let quote = null;
    lines.forEach((line, n) => {
      const quoted = /^(&gt;|>) ?/.exec(line);
      if (quoted) {
        if (!quote) {
          quote = el("blockquote");
          parent.appendChild(quote);
        } else {
          quote.appendChild(document.createElement("br"));
        }
        inline(line.slice(quoted[0].length), quote);
        return;
      }
      quote = null;
      inline(line, parent);
      if (n < lines.length - 1 && !(lines[n + 1] && /^(&gt;|>)/.test(lines[n + 1]))) {
        parent.appendChild(document.createElement("br"));
      }
    });
  });
}

function inline(text, parent) {
  const token = /<([^>\n]+)>|`([^`\n]+)`/g;
  let last = 0;
  let match;
  while ((match = token.exec(text))) {
    styled(text.slice(last, match.index), parent);
    if (match[2] !== undefined) {
      parent.appendChild(el("code", "code", decode(match[2])));
    } else {
      parent.appendChild(reference(match[1]));
    }
    last = token.lastIndex;
  }
  styled(text.slice(last), parent);
}

function reference(inner) {
  const bar = inner.indexOf("|");
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? null : inner.slice(bar + 1);
  if (target.startsWith("@")) {
    const p = person(target.slice(1));
    return el("span", "mention", "@" + (p ? p.name : label || target.slice(1)));
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const info = channelInfo(id);
    const link = el("a", "channel-link", "#" + (info.name !== id ? info.name : label || id));
    link.href = "#";
    link.addEventListener("click", (e) => {
      e.preventDefault();
      openChannel(id);
    });
    return link;
  }
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0];
    // A date reads as its fallback text, as Slack shows it; @here and the like stand out.
    if (special === "date") return document.createTextNode(decode(label || ""));
    return el("span", "mention", label ? decode(label) : "@" + special);
  }
  const url = decode(target);
  if (!/^(https?:|mailto:)/i.test(url)) return document.createTextNode(decode(label || target));
  const link = el("a", null, decode(label || target));
  link.href = url;
  if (new URL(url, location.href).origin !== location.origin) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  return link;
}

// Bold, italic and strike, as Slack reads them: markers at word boundaries.
function styled(text, parent) {
  const pattern = /(^|[\s(\u2014-])([*_~])([^\s*_~](?:[^\n]*?[^\s])??)\2(?=$|[\s.,!?:;)'\u2019\u2014-])/;
  const match = pattern.exec(text);
  if (!match) {
    if (text) parent.appendChild(document.createTextNode(emoji(decode(text))));
    return;
  }
  const start = match.index + match[1].length;
  styled(text.slice(0, start), parent);
  const tag = { "*": "strong", _: "em", "~": "s" }[match[2]];
  const node = el(tag);
  styled(match[3], node);
  parent.appendChild(node);
  styled(text.slice(start + match[2].length * 2 + match[3].length), parent);
}

function textObject(object, parent) {
  if (!object) return;
  if (object.type === "mrkdwn") mrkdwn(object.text || "", parent);
  else parent.appendChild(document.createTextNode(emoji(object.text || "")));
}

// ---------- Block Kit ----------

function renderBlocks(blocks, parent, context) {
  for (const block of blocks || []) {
    const node = renderBlock(block, context);
    if (node) parent.appendChild(node);
  }
}

function renderBlock(block, context) {
  switch (block.type) {
    case "header": {
      const node = el("div", "b-header");
      textObject(block.text, node);
      return node;
    }
    case "section": {
      const node = el("div", "b-section");
      const body = el("div", "b-section-body");
      if (block.text) {
        const text = el("div", "b-text");
        textObject(block.text, text);
        body.appendChild(text);
      }
      if (block.fields) {
        const fields = el("div", "b-fields");
        for (const field of block.fields) {
          const cell = el("div", "b-field");
          textObject(field, cell);
          fields.appendChild(cell);
        }
        body.appendChild(fields);
      }
      node.appendChild(body);
      if (block.accessory) node.appendChild(renderElement(block.accessory, block, context));
      return node;
    }
    case "context": {
      const node = el("div", "b-context");
      for (const element of block.elements || []) {
        const part = el("span", "b-context-part");
        if (element.type === "image") part.textContent = element.alt_text || "";
        else textObject(element, part);
        node.appendChild(part);
      }
      return node;
    }
    case "divider":
      return el("hr", "b-divider");
    case "actions": {
      const node = el("div", "b-actions");
      for (const element of block.elements || []) node.appendChild(renderElement(element, block, context));
      return node;
    }
    case "image":
      return el("div", "b-context", "[image: " + (block.alt_text || "") + "]");
    case "rich_text":
      return el("div", "b-text", richText(block.elements));
    case "data_visualization":
      return chartTable(block);
    default:
      return el("div", "b-context", "[" + block.type + " block]");
  }
}

// A chart block drawn as Slack's clients without charts would need it: its title and its data
// as a small table (a row per category, a column per series; a pie's slices as rows).
function chartTable(block) {
  const chart = block.chart || {};
  const node = el("figure", "b-chart");
  node.appendChild(el("figcaption", "b-chart-title", block.title || ""));
  const table = el("table");
  const row = (cells, tag) => {
    const tr = el("tr");
    for (const cell of cells) tr.appendChild(el(tag, null, cell == null ? "–" : String(cell)));
    table.appendChild(tr);
  };
  if (chart.type === "pie") {
    for (const s of chart.segments || []) row([s.label, s.value], "td");
  } else {
    const series = chart.series || [];
    const axes = chart.axis_config || {};
    row([axes.x_label || ""].concat(series.map((s) => s.name)), "th");
    for (const category of axes.categories || []) {
      row(
        [category].concat(
          series.map((s) => {
            const point = (s.data || []).find((p) => p.label === category);
            return point ? point.value : null;
          }),
        ),
        "td",
      );
    }
  }
  node.appendChild(table);
  return node;
}

// The plain text of a rich_text block's elements.
function richText(elements) {
  return (elements || []).map((e) => (e.text || "") + richText(e.elements)).join("");
}

function renderElement(element, block, context) {
  if (element.type !== "button") return el("span", "b-context", "[" + element.type + "]");
  const label = emoji((element.text && element.text.text) || "Button");
  const style = "btn" + (element.style ? " " + element.style : "");
  if (element.url) {
    // As in Slack, a link button opens its page in a new tab (the demo stays open here).
    const url = String(element.url);
    if (!/^https?:/i.test(url)) return el("span", "b-context", label);
    const link = el("a", style, label);
    link.href = url;
    link.dataset.actionId = element.action_id || "";
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }
  const button = el("button", style, label);
  button.type = "button";
  button.dataset.actionId = element.action_id || "";
  if (!context || !(context.ts || context.home)) {
    button.disabled = true;
    return button;
  }
  button.addEventListener("click", () => press(context, block, element, button));
  return button;
}

// ---------- messages ----------

function entriesOf(channel) {
  if (!state.entries.has(channel)) state.entries.set(channel, []);
  return state.entries.get(channel);
}

function take(call) {
  const shown = call.shown;
  if (!shown) return;
  if (shown.kind === "message") {
    entriesOf(shown.channel).push({ seq: call.seq, at: call.at, ts: shown.ts, user: shown.user, message: shown.message });
    markUnread(shown.channel, null);
  } else if (shown.kind === "update") {
    const entry = entriesOf(shown.channel).find((e) => e.ts === shown.ts && !e.ephemeralFor);
    if (entry) {
      entry.message = shown.message;
      entry.edited = true;
    }
    markUnread(shown.channel, null);
  } else if (shown.kind === "ephemeral") {
    entriesOf(shown.channel).push({ seq: call.seq, at: call.at, ts: null, user: null, message: shown.message, ephemeralFor: shown.user });
    markUnread(shown.channel, shown.user);
  } else if (shown.kind === "home") {
    state.homes.set(shown.user, { id: shown.view_id, view: shown.view });
  }
}

function markUnread(channel, onlyFor) {
  if (channel === state.channel) return;
  if (onlyFor && onlyFor !== state.you) return;
  state.unread.add(channel);
}

function visible(entry) {
  return !entry.ephemeralFor || entry.ephemeralFor === state.you;
}

function renderMessages() {
  const list = $("messages");
  const nearBottom = state.atBottom;
  list.replaceChildren();
  if (state.channel === "home") {
    const published = state.homes.get(state.you);
    const home = el("div", "home");
    if (published) renderBlocks(published.view.blocks, home, { home: published.id });
    else home.appendChild(el("p", "empty", "Opening herobot's Home\u2026"));
    list.appendChild(home);
    return;
  }
  const entries = entriesOf(state.channel).filter(visible);
  if (entries.length === 0) {
    list.appendChild(el("p", "empty", "No messages here yet."));
  }
  let lastDay = null;
  let lastAuthor = null;
  for (const entry of entries) {
    const stamp = entry.ts || String(entry.at);
    const day = dayOf(stamp);
    if (day !== lastDay) {
      const divider = el("div", "day-divider");
      divider.appendChild(el("span", null, day));
      list.appendChild(divider);
      lastDay = day;
      lastAuthor = null;
    }
    const author = entry.user || state.workspace.bot.id;
    list.appendChild(renderMessage(entry, stamp, author === lastAuthor && !entry.ephemeralFor));
    lastAuthor = entry.ephemeralFor ? null : author;
  }
  if (nearBottom || state.scrollToEnd) list.scrollTop = list.scrollHeight;
  state.scrollToEnd = false;
  state.atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function renderMessage(entry, stamp, continued) {
  const author = entry.user ? person(entry.user) : state.workspace.bot;
  const name = author ? author.name : entry.user;
  const node = el("article", "message" + (entry.ephemeralFor ? " ephemeral" : "") + (continued ? " continued" : ""));
  node.dataset.channel = state.channel;
  if (entry.ts) node.dataset.ts = entry.ts;
  const avatar = el("div", "avatar" + (entry.user ? "" : " bot"), entry.user ? initials(name) : "HB");
  if (entry.user) avatar.style.background = "hsl(" + hue(entry.user) + " 45% 45%)";
  avatar.setAttribute("aria-hidden", "true");
  node.appendChild(avatar);
  const body = el("div", "message-body");
  const meta = el("div", "meta");
  meta.appendChild(el("span", "author", name));
  if (!entry.user) meta.appendChild(el("span", "app-badge", "APP"));
  meta.appendChild(el("time", "time", timeOf(stamp)));
  if (entry.edited) meta.appendChild(el("span", "edited", "(edited)"));
  body.appendChild(meta);
  if (entry.ephemeralFor) body.appendChild(el("div", "only-you", "Only visible to you"));
  const content = el("div", "content");
  const message = entry.message || {};
  const context = entry.ts ? { channel: state.channel, ts: entry.ts } : null;
  if (Array.isArray(message.blocks) && message.blocks.length) renderBlocks(message.blocks, content, context);
  else mrkdwn(message.text || "", content);
  body.appendChild(content);
  node.appendChild(body);
  if (entry.ts) node.appendChild(shortcutMenu(entry));
  return node;
}

// The "More actions" menu with herobot's two message shortcuts.
function shortcutMenu(entry) {
  const wrap = el("div", "more");
  const toggle = el("button", "more-toggle", "\u22EF");
  toggle.type = "button";
  toggle.setAttribute("aria-label", "More actions");
  const menu = el("ul", "more-menu");
  menu.hidden = true;
  for (const [callback, label] of [["nominate_from_message", "Nominate as service hero"], ["story_from_message", "Save as recovery story"]]) {
    const item = el("li");
    const button = el("button", "shortcut", label);
    button.type = "button";
    button.dataset.callbackId = callback;
    button.addEventListener("click", async () => {
      menu.hidden = true;
      await run(() => api("/demo/api/shortcut", { user: state.you, channel: state.channel, ts: entry.ts, callback_id: callback }));
    });
    item.appendChild(button);
    menu.appendChild(item);
  }
  toggle.addEventListener("click", () => {
    for (const other of document.querySelectorAll(".more-menu")) if (other !== menu) other.hidden = true;
    menu.hidden = !menu.hidden;
  });
  wrap.appendChild(toggle);
  wrap.appendChild(menu);
  return wrap;
}

// ---------- sidebar ----------

function renderSidebar() {
  const channels = $("channels");
  channels.replaceChildren();
  for (const channel of state.workspace.channels) channels.appendChild(channelItem(channel.id, "# " + channel.name));
  const apps = $("apps");
  apps.replaceChildren();
  apps.appendChild(channelItem("home", "herobot \u00B7 Home"));
  apps.appendChild(channelItem(dmChannel(state.you), "herobot \u00B7 Messages"));
  const info = channelInfo(state.channel);
  $("channel-name").textContent = info.label;
  $("channel-purpose").textContent = info.purpose;
  $("composer").placeholder = "Message " + (info.dm ? "herobot" : info.label.replace("# ", "#"));
  $("composer-form").hidden = state.channel === "home";
  $("library").hidden = false;
}

function channelItem(id, label) {
  const item = el("li");
  const link = el("a", "channel" + (id === state.channel ? " active" : "") + (state.unread.has(id) ? " unread" : ""), label);
  link.href = "#";
  link.dataset.channel = id;
  link.addEventListener("click", (e) => {
    e.preventDefault();
    openChannel(id);
  });
  item.appendChild(link);
  return item;
}

function openChannel(id) {
  state.channel = id;
  state.unread.delete(id);
  state.scrollToEnd = true;
  document.body.classList.remove("sidebar-open");
  $("menu").setAttribute("aria-expanded", "false");
  renderSidebar();
  renderMessages();
  // Opening the Home tab is an event herobot answers by publishing the person's Home.
  if (id === "home") run(() => api("/demo/api/home", { user: state.you }));
}

// ---------- doing things ----------

// Runs a request to the demo server and shows its answer: a modal it opened, or a problem.
async function run(request) {
  try {
    const reply = await request();
    if (reply && reply.view) openModal(reply.view);
    await poll();
    return reply;
  } catch (err) {
    notice("The demo could not do that: " + err.message);
    return null;
  }
}

function notice(text) {
  entriesOf(state.channel).push({ seq: 0, at: Date.now() / 1000, ts: null, user: null, message: { text }, ephemeralFor: state.you });
  renderMessages();
}

// What Slack's client does with a typed @name: it becomes a mention of that person.
function mentions(text) {
  return text.replace(/(^|[\s(])@([\p{L}][\p{L}.\-]*)/gu, (whole, before, name) => {
    const key = fold(name);
    const found = everyone().find((p) => p.handle === key || fold(p.name.split(" ")[0]) === key || fold(p.name).replace(/\s+/g, ".") === key);
    return found ? before + "<@" + found.id + "|" + found.handle + ">" : whole;
  });
}

async function send(event) {
  event.preventDefault();
  const composer = $("composer");
  const text = composer.value.trim();
  if (!text || state.channel === "home") return;
  composer.value = "";
  hideSuggestions();
  state.scrollToEnd = true;
  await run(() => api("/demo/api/send", { user: state.you, channel: state.channel, text: mentions(text) }));
}

async function press(context, block, element, button) {
  button.disabled = true;
  const action = { action_id: element.action_id, block_id: block.block_id || "", value: element.value || "" };
  const where = context.home ? { view_id: context.home } : { channel: context.channel, ts: context.ts };
  await run(() => api("/demo/api/press", Object.assign({ user: state.you, action }, where)));
  button.disabled = false;
}

// ---------- @ suggestions ----------

function currentMention() {
  const composer = $("composer");
  const before = composer.value.slice(0, composer.selectionStart);
  const match = /(^|\s)@([\p{L}.\-]*)$/u.exec(before);
  return match ? { start: before.length - match[2].length - 1, query: fold(match[2]) } : null;
}

function suggest() {
  const mention = currentMention();
  const list = $("suggestions");
  if (!mention) return hideSuggestions();
  const found = everyone().filter((p) => p.handle.startsWith(mention.query) || fold(p.name).includes(mention.query)).slice(0, 6);
  if (!found.length) return hideSuggestions();
  list.replaceChildren();
  for (const p of found) {
    const item = el("li");
    const button = el("button", "suggestion");
    button.type = "button";
    button.appendChild(el("strong", null, p.name));
    button.appendChild(el("span", null, " @" + p.handle + " \u00B7 " + p.title));
    button.addEventListener("mousedown", (e) => {
      e.preventDefault();
      pick(p);
    });
    item.appendChild(button);
    list.appendChild(item);
  }
  list.hidden = false;
}

function pick(p) {
  const mention = currentMention();
  const composer = $("composer");
  if (!mention) return;
  const rest = composer.value.slice(composer.selectionStart);
  composer.value = composer.value.slice(0, mention.start) + "@" + p.handle + " " + rest.replace(/^\s+/, "");
  const at = mention.start + p.handle.length + 2;
  composer.setSelectionRange(at, at);
  hideSuggestions();
  composer.focus();
}

function hideSuggestions() {
  $("suggestions").hidden = true;
}

// ---------- modals ----------

function openModal(opened) {
  state.modal = opened;
  const form = $("modal");
  form.replaceChildren();
  const view = opened.view;
  const header = el("header", "modal-header");
  const title = el("h2", null, emoji((view.title && view.title.text) || ""));
  title.id = "modal-title";
  header.appendChild(title);
  const close = el("button", "modal-close", "\u00D7");
  close.type = "button";
  close.setAttribute("aria-label", "Close");
  close.addEventListener("click", closeModal);
  header.appendChild(close);
  form.appendChild(header);
  const body = el("div", "modal-body");
  for (const block of view.blocks || []) {
    body.appendChild(block.type === "input" ? inputBlock(block) : renderBlock(block, null));
  }
  form.appendChild(body);
  const footer = el("footer", "modal-footer");
  const cancel = el("button", "btn", (view.close && view.close.text) || "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", closeModal);
  footer.appendChild(cancel);
  if (view.submit) {
    const submit = el("button", "btn primary", view.submit.text);
    submit.type = "submit";
    submit.id = "modal-submit";
    footer.appendChild(submit);
  }
  form.appendChild(footer);
  $("modal-backdrop").hidden = false;
  const first = form.querySelector("input, textarea, select");
  if (first) first.focus();
}

function closeModal() {
  state.modal = null;
  $("modal-backdrop").hidden = true;
  $("modal").replaceChildren();
}

function inputBlock(block) {
  const element = block.element || {};
  const field = el("div", "field");
  field.dataset.block = block.block_id;
  field.dataset.action = element.action_id || "";
  field.dataset.type = element.type || "";
  const id = "f-" + block.block_id;
  const label = el("label", "field-label", emoji((block.label && block.label.text) || ""));
  label.htmlFor = id;
  if (block.optional) label.appendChild(el("span", "optional", " (optional)"));
  field.appendChild(label);
  field.appendChild(control(element, id));
  if (block.hint) field.appendChild(el("p", "field-hint", block.hint.text || ""));
  const error = el("p", "field-error");
  error.hidden = true;
  field.appendChild(error);
  return field;
}

function placeholderOf(element) {
  return (element.placeholder && element.placeholder.text) || "";
}

function control(element, id) {
  switch (element.type) {
    case "plain_text_input": {
      const input = element.multiline ? el("textarea") : el("input");
      if (!element.multiline) input.type = "text";
      else input.rows = 3;
      input.id = id;
      input.placeholder = placeholderOf(element);
      if (element.max_length) input.maxLength = element.max_length;
      if (element.initial_value) input.value = element.initial_value;
      return input;
    }
    case "static_select": {
      const select = el("select");
      select.id = id;
      select.appendChild(el("option", null, placeholderOf(element) || "Choose one"));
      select.firstChild.value = "";
      for (const option of element.options || []) {
        const item = el("option", null, option.text.text);
        item.value = option.value;
        if (element.initial_option && element.initial_option.value === option.value) item.selected = true;
        select.appendChild(item);
      }
      return select;
    }
    case "radio_buttons": {
      const group = el("div", "radios");
      group.id = id;
      group.setAttribute("role", "radiogroup");
      for (const option of element.options || []) {
        const label = el("label", "radio");
        const input = el("input");
        input.type = "radio";
        input.name = id;
        input.value = option.value;
        if (element.initial_option && element.initial_option.value === option.value) input.checked = true;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + option.text.text));
        group.appendChild(label);
      }
      return group;
    }
    case "multi_users_select":
    case "users_select": {
      const group = el("div", "people-picker");
      group.id = id;
      const chosen = element.initial_users || (element.initial_user ? [element.initial_user] : []);
      for (const p of everyone()) {
        const chip = el("button", "person-chip", p.name);
        chip.type = "button";
        chip.dataset.user = p.id;
        chip.setAttribute("aria-pressed", chosen.includes(p.id) ? "true" : "false");
        chip.addEventListener("click", () => {
          const on = chip.getAttribute("aria-pressed") !== "true";
          if (element.type === "users_select") {
            for (const other of group.querySelectorAll(".person-chip")) other.setAttribute("aria-pressed", "false");
          }
          chip.setAttribute("aria-pressed", on ? "true" : "false");
        });
        group.appendChild(chip);
      }
      return group;
    }
    case "datetimepicker": {
      const input = el("input");
      input.type = "datetime-local";
      input.id = id;
      if (element.initial_date_time) input.value = localValue(element.initial_date_time);
      return input;
    }
    case "datepicker": {
      const input = el("input");
      input.type = "date";
      input.id = id;
      if (/^\d{4}-\d{2}-\d{2}$/.test(element.initial_date || "")) input.value = element.initial_date;
      return input;
    }
    case "conversations_select":
    case "channels_select": {
      // The sample workspace's channels, as Slack lists the ones the person can pick.
      const select = el("select");
      select.id = id;
      select.appendChild(el("option", null, placeholderOf(element) || "Pick a channel"));
      select.firstChild.value = "";
      const initial = element.initial_conversation || element.initial_channel;
      for (const channel of state.workspace.channels) {
        const item = el("option", null, "# " + channel.name);
        item.value = channel.id;
        if (initial === channel.id) item.selected = true;
        select.appendChild(item);
      }
      return select;
    }
    default:
      return el("p", "b-context", "[" + element.type + " is not shown in the demo]");
  }
}

function localValue(unix) {
  const d = new Date(unix * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
}

// state.values as Slack sends them: {block_id: {action_id: {type, …}}}.
function viewValues() {
  const values = {};
  for (const field of document.querySelectorAll("#modal .field")) {
    const type = field.dataset.type;
    const id = "f-" + field.dataset.block;
    let value = { type };
    if (type === "plain_text_input") {
      const text = $(id).value;
      value.value = text === "" ? null : text;
    } else if (type === "static_select") {
      const select = $(id);
      value.selected_option = select.value ? { text: { type: "plain_text", text: select.selectedOptions[0].textContent }, value: select.value } : null;
    } else if (type === "radio_buttons") {
      const checked = field.querySelector("input:checked");
      value.selected_option = checked ? { text: { type: "plain_text", text: checked.parentNode.textContent.trim() }, value: checked.value } : null;
    } else if (type === "multi_users_select") {
      value.selected_users = Array.from(field.querySelectorAll('.person-chip[aria-pressed="true"]')).map((c) => c.dataset.user);
    } else if (type === "users_select") {
      const chip = field.querySelector('.person-chip[aria-pressed="true"]');
      value.selected_user = chip ? chip.dataset.user : null;
    } else if (type === "datetimepicker") {
      const text = $(id).value;
      value.selected_date_time = text ? Math.floor(new Date(text).getTime() / 1000) : null;
    } else if (type === "datepicker") {
      value.selected_date = $(id).value || null;
    } else if (type === "conversations_select") {
      value.selected_conversation = $(id).value || null;
    } else if (type === "channels_select") {
      value.selected_channel = $(id).value || null;
    }
    values[field.dataset.block] = { [field.dataset.action]: value };
  }
  return values;
}

async function submitModal(event) {
  event.preventDefault();
  if (!state.modal || state.busy) return;
  state.busy = true;
  const submit = $("modal-submit");
  if (submit) submit.disabled = true;
  for (const error of document.querySelectorAll("#modal .field-error")) error.hidden = true;
  const opened = state.modal;
  const reply = await run(() => api("/demo/api/submit", { user: state.you, view_id: opened.id, values: viewValues() }));
  state.busy = false;
  if (submit) submit.disabled = false;
  if (!reply) return;
  const body = reply.body || {};
  if (body.response_action === "errors") {
    for (const [block, message] of Object.entries(body.errors || {})) {
      const field = document.querySelector('#modal .field[data-block="' + CSS.escape(block) + '"]');
      if (!field) continue;
      const error = field.querySelector(".field-error");
      error.textContent = message;
      error.hidden = false;
    }
    const first = document.querySelector("#modal .field-error:not([hidden])");
    if (first) first.scrollIntoView({ block: "center" });
  } else if (body.response_action === "update" && body.view) {
    openModal({ id: opened.id, view: body.view });
  } else if (state.modal === opened) {
    closeModal();
  }
}

// ---------- polling ----------

async function poll() {
  const answer = await api("/demo/api/calls?after=" + state.after);
  if (!answer.calls.length) return;
  for (const call of answer.calls) take(call);
  state.after = answer.calls[answer.calls.length - 1].seq;
  renderSidebar();
  renderMessages();
}

async function start() {
  state.workspace = await api("/demo/api/workspace");
  const you = $("you");
  for (const p of everyone()) {
    const option = el("option", null, p.name + " \u00B7 " + p.title + (p.id === state.workspace.leader.id ? " (leader)" : ""));
    option.value = p.id;
    you.appendChild(option);
  }
  const remembered = sessionStorage.getItem("herobot-demo-you");
  state.you = everyone().some((p) => p.id === remembered) ? remembered : state.workspace.people[0].id;
  you.value = state.you;
  // `/demo#C0DHEROES` opens a channel; else the one last open in this tab, else #general.
  const linked = location.hash.slice(1);
  state.channel = ((/^[CD][0-9A-Z]+$/.test(linked) || linked === "home") && linked) || sessionStorage.getItem("herobot-demo-channel") || state.workspace.channels[0].id;
  you.addEventListener("change", () => {
    const wasDm = state.channel.startsWith("D");
    state.you = you.value;
    sessionStorage.setItem("herobot-demo-you", state.you);
    if (wasDm) state.channel = dmChannel(state.you);
    openChannel(state.channel);
  });
  window.addEventListener("beforeunload", () => sessionStorage.setItem("herobot-demo-channel", state.channel));
  $("composer-form").addEventListener("submit", send);
  $("composer").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) {
      const list = $("suggestions");
      if (!list.hidden) {
        e.preventDefault();
        list.querySelector("button").dispatchEvent(new MouseEvent("mousedown"));
        return;
      }
      send(e);
    } else if (e.key === "Escape") {
      hideSuggestions();
    }
  });
  $("composer").addEventListener("input", suggest);
  $("composer").addEventListener("blur", () => setTimeout(hideSuggestions, 150));
  $("modal").addEventListener("submit", submitModal);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.modal) closeModal();
  });
  $("menu").addEventListener("click", () => {
    const open = document.body.classList.toggle("sidebar-open");
    $("menu").setAttribute("aria-expanded", open ? "true" : "false");
  });
  $("library").addEventListener("click", async () => {
    const answer = await run(() => api("/demo/api/library", { channel: state.channel }));
    if (answer && answer.url) location.assign(answer.url);
  });
  document.addEventListener("click", (e) => {
    if (!e.target.closest(".more")) for (const menu of document.querySelectorAll(".more-menu")) menu.hidden = true;
  });
  // Reading the latest messages, a reader stays with them as the window changes size.
  $("messages").addEventListener("scroll", () => {
    const list = $("messages");
    state.atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  });
  window.addEventListener("resize", () => {
    if (state.atBottom) $("messages").scrollTop = $("messages").scrollHeight;
  });
  await poll();
  openChannel(state.channel);
  setInterval(() => poll().catch(() => {}), 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  start().catch((err) => {
    document.body.appendChild(el("p", "fatal", "The demo could not start: " + err.message));
  });
});
