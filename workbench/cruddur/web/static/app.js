// The Cruddur messages page: no build step, no library. User data is only ever inserted
// with textContent, never as HTML.
"use strict";

const POLL_MS = 3000;
const $ = (id) => document.getElementById(id);
const store = window.localStorage;

function route() {
  // The original's routes: /messages, /messages/:message_group_uuid, /messages/new/:handle.
  const parts = window.location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "messages" && parts[1] === "new" && parts[2]) return { handle: parts[2] };
  if (parts[0] === "messages" && parts[1]) return { group: parts[1] };
  return {};
}

function status(text) {
  $("status").textContent = text || "";
}

function signOut(reason) {
  store.removeItem("access_token");
  store.removeItem("handle");
  store.removeItem("display_name");
  showSignIn();
  status(reason || "");
}

async function api(path, options = {}) {
  const headers = { Accept: "application/json" };
  const token = store.getItem("access_token");
  if (token) headers.Authorization = "Bearer " + token;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method: options.method || "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = { error: "the server answered " + response.status };
  }
  if (response.status === 401 && path !== "/api/auth/sign_in") {
    signOut((data && data.error) || "please sign in again");
  }
  if (!response.ok) {
    const error = new Error((data && data.error) || "request failed: " + response.status);
    error.status = response.status;
    error.data = data;
    throw error;
  }
  return data;
}

function timeAgo(iso) {
  const then = new Date(iso);
  if (isNaN(then)) return "unknown";
  const minutes = Math.floor((Date.now() - then.getTime()) / 60000);
  if (minutes >= 24 * 60) {
    return then.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  }
  if (minutes >= 60) return Math.floor(minutes / 60) + "h";
  return Math.max(minutes, 0) + "m";
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderGroups(groups) {
  const current = route().group;
  const list = $("groups");
  const items = groups.map((group) => {
    const li = el("li");
    li.dataset.uuid = group.uuid;
    const link = el("a");
    link.href = "/messages/" + encodeURIComponent(group.uuid);
    if (group.uuid === current) link.className = "current";
    const head = el("div");
    head.append(el("span", "who", group.display_name), el("span", "handle", "@" + group.handle),
      el("span", "when", timeAgo(group.created_at)));
    link.append(head, el("div", "text", group.message));
    li.append(link);
    return li;
  });
  list.replaceChildren(...items);
  if (!groups.length) list.append(el("li", "text", "No conversations yet."));
}

function renderMessages(messages) {
  const me = store.getItem("handle");
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...messages.map((message) => {
    const li = el("li", message.handle === me ? "mine" : "");
    li.dataset.uuid = message.uuid;
    const head = el("div");
    head.append(el("span", "who", message.display_name), el("span", "handle", "@" + message.handle),
      el("span", "when", timeAgo(message.created_at)));
    li.append(head, el("div", "text", message.message));
    return li;
  }));
  if (atBottom) list.lastElementChild?.scrollIntoView({ block: "end" });
}

async function loadGroups() {
  try {
    renderGroups(await api("/api/message_groups"));
  } catch (e) {
    if (e.status !== 401) status(e.message);
  }
}

async function loadConversation() {
  const { group, handle } = route();
  if (group) {
    try {
      renderMessages(await api("/api/messages/" + encodeURIComponent(group)));
      $("message-form").hidden = false;
      const other = (await api("/api/message_groups")).find((g) => g.uuid === group);
      $("conversation-title").textContent = other
        ? other.display_name + " @" + other.handle : "Conversation";
    } catch (e) {
      $("message-form").hidden = true;
      $("messages").replaceChildren();
      $("conversation-title").textContent = "Conversation";
      if (e.status !== 401) status(e.message);
    }
  } else if (handle) {
    try {
      const user = await api("/api/users/@" + encodeURIComponent(handle) + "/short");
      $("conversation-title").textContent = "New message to " + user.display_name + " @" + user.handle;
      $("message-form").hidden = false;
    } catch (e) {
      status(e.message);
    }
  }
}

async function send(event) {
  event.preventDefault();
  const input = $("message-input");
  const { group, handle } = route();
  const body = handle ? { message: input.value, handle } : { message: input.value, message_group_uuid: group };
  $("send").disabled = true;
  try {
    const sent = await api("/api/messages", { method: "POST", body });
    input.value = "";
    status("");
    if (handle || sent.message_group_uuid !== group) {
      window.location.href = "/messages/" + encodeURIComponent(sent.message_group_uuid);
      return;
    }
    await loadConversation();
    loadGroups();
  } catch (e) {
    const problems = e.data && e.data.errors;
    status(problems ? problems.map((p) => p.message).join("; ") : e.message);
  } finally {
    $("send").disabled = false;
  }
}

async function signIn(event) {
  event.preventDefault();
  $("sign-in").disabled = true;
  try {
    const answer = await api("/api/auth/sign_in", {
      method: "POST",
      body: { handle: $("handle").value, password: $("password").value },
    });
    store.setItem("access_token", answer.access_token);
    store.setItem("handle", answer.handle);
    store.setItem("display_name", answer.display_name);
    $("password").value = "";
    status("");
    showApp();
  } catch (e) {
    status(e.message);
  } finally {
    $("sign-in").disabled = false;
  }
}

let poller = null;

function showSignIn() {
  $("app").hidden = true;
  $("sign-out").hidden = true;
  $("whoami").textContent = "";
  $("signin-form").hidden = false;
  if (poller) clearInterval(poller);
  poller = null;
}

function showApp() {
  $("signin-form").hidden = true;
  $("app").hidden = false;
  $("sign-out").hidden = false;
  $("whoami").textContent = "@" + store.getItem("handle");
  loadGroups();
  loadConversation();
  // The stream runner moves group summaries after a post: follow it by polling.
  if (!poller) {
    poller = setInterval(() => {
      loadGroups();
      if (route().group) loadConversation();
    }, POLL_MS);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("signin-form").addEventListener("submit", signIn);
  $("message-form").addEventListener("submit", send);
  $("sign-out").addEventListener("click", () => signOut("signed out"));
  $("new-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const handle = $("new-handle").value.trim();
    if (handle) window.location.href = "/messages/new/" + encodeURIComponent(handle);
  });
  $("message-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("message-form").requestSubmit();
  });
  if (store.getItem("access_token")) showApp();
  else showSignIn();
});
