// The meeting's live pages (poll, projector, staff room): poll the state as JSON and update
// the page in place. Without JavaScript the poll page and the projector reload themselves
// (a <noscript> meta refresh) instead.
//
// data-live-url        the JSON endpoint
// data-live-version    the poll and status the page was rendered for
// data-live-reload     "auto": reload when another poll opens (the server renders its ballots);
//                      "never": only update in place (a receipt on the page, the staff room)

(() => {
  const root = document.querySelector("[data-live-url]");
  if (!root) {
    return;
  }
  const url = root.dataset.liveUrl;
  const interval = 1000 * Number(root.dataset.refreshSeconds || 3);
  const mayReload = root.dataset.liveReload !== "never";
  let version = root.dataset.liveVersion;

  const all = (selector) => root.querySelectorAll(selector);
  const setText = (name, value) => {
    for (const element of all(`[data-live-field="${name}"]`)) {
      element.textContent = value ?? "";
    }
  };
  const show = (name, visible) => {
    for (const element of all(`[data-live-section="${name}"]`)) {
      element.hidden = !visible;
    }
  };

  const renderRows = (rows) => {
    for (const body of all("[data-live-rows]")) {
      const fresh = rows.map(([label, value]) => {
        const row = document.createElement("tr");
        const head = document.createElement("th");
        head.scope = "row";
        head.textContent = label;
        const cell = document.createElement("td");
        cell.className = "number";
        cell.textContent = String(value);
        row.append(head, cell);
        return row;
      });
      body.replaceChildren(...fresh);
    }
  };

  const update = (state) => {
    setText("meeting_status_label", state.meeting_status_label);
    setText("present_text", state.present_text);
    setText("represented_text", state.represented_text);
    setText("quorum_text", state.quorum_text);
    for (const light of all("[data-live-quorum]")) {
      light.classList.toggle("quorum--met", state.quorum_met);
      light.classList.toggle("quorum--not-met", !state.quorum_met);
    }
    const poll = state.poll;
    show("none", !poll);
    show("poll", Boolean(poll));
    if (!poll) {
      return;
    }
    setText("item", poll.item);
    setText("rule", poll.rule);
    setText("status_label", poll.status_label);
    setText("secret_label", poll.secret_label);
    setText("turnout_text", poll.turnout_text);
    show("open", poll.status === "open");
    show("result", Boolean(poll.result));
    if (poll.result) {
      setText("result_sentence", poll.result.sentence);
      renderRows(poll.result.rows);
      for (const link of all('[data-live-field="receipts"]')) {
        link.hidden = !poll.result.receipts_url;
        if (poll.result.receipts_url) {
          link.href = poll.result.receipts_url;
        }
      }
    }
  };

  // Another poll, or this one opening: its ballots are the server's to render.
  const needsReload = (state) => {
    if (!mayReload || state.version === version) {
      return false;
    }
    const [pollId] = version.split(":");
    return !state.poll || String(state.poll.id) !== pollId || state.poll.status === "open";
  };

  const poll = async () => {
    let state;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      state = await response.json();
    } catch {
      window.setTimeout(poll, interval * 2);
      return;
    }
    if (needsReload(state)) {
      window.location.reload();
      return;
    }
    version = state.version;
    root.dataset.liveVersion = version;
    update(state);
    window.setTimeout(poll, interval);
  };

  // A ballot is final: a second click must not send the form again.
  for (const form of all("form[data-send-once]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) {
        button.disabled = true;
      }
    });
  }

  window.setTimeout(poll, interval);
})();
