// litreview serve: the keyboard and the few requests behind it. Every record's text
// arrives as HTML the server escaped; this script never builds markup from data.
(() => {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const msg = document.getElementById("msg");
  const say = (text, bad = false) => {
    if (!msg) return;
    msg.textContent = text;
    msg.className = bad ? "bad" : "";
  };

  async function call(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error || `the server answered ${response.status}`);
      error.data = data; // a record to show again, when the server sends one
      throw error;
    }
    return data;
  }

  // --- who is screening ------------------------------------------------------------
  const who = document.getElementById("who");
  if (who) {
    who.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const data = await call("POST", "/who", { name: document.getElementById("name").value });
        window.location.assign(data.go);
      } catch (error) { say(error.message, true); }
    });
  }

  // --- resolution --------------------------------------------------------------------
  document.querySelectorAll("[data-resolve]").forEach((button) => {
    button.addEventListener("click", async () => {
      const section = button.closest(".conflict");
      const form = button.closest("form");
      try {
        await call("POST", `/api/resolve/${document.body.dataset.stage}`, {
          record_id: section.dataset.recordId, decision: button.dataset.resolve,
          reason: form.reason.value, note: form.note.value,
        });
        section.querySelector(".resolution b").textContent = button.dataset.resolve;
        section.classList.add("settled");
        say(`Saved: ${button.dataset.resolve}`);
      } catch (error) { say(error.message, true); }
    });
  });

  // --- coding: the form's cells as (name, value) pairs; the server checks and writes -----
  const codeForm = document.getElementById("code-form");
  if (codeForm) {
    codeForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const cells = Array.from(new FormData(codeForm).entries());
      try {
        say("Saving…");
        const data = await call("POST", "/api/code/save",
          { record_id: codeForm.dataset.recordId, cells });
        window.location.assign(data.go);
      } catch (error) { say(error.message, true); }
    });
  }
  document.querySelectorAll(".code-resolve-form").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const section = form.closest(".conflict");
      try {
        await call("POST", "/api/code/resolve", {
          record_id: section.dataset.recordId, cells: Array.from(new FormData(form).entries()),
        });
        section.classList.add("settled");
        say(`Saved the agreed coding of ${section.dataset.recordId}`);
      } catch (error) { say(error.message, true); }
    });
  });

  // --- screening ------------------------------------------------------------------------
  const holder = document.getElementById("record");
  if (!holder) return;
  const stage = document.body.dataset.stage;
  const reasonRequired = document.body.dataset.reasonRequired === "yes";
  const note = document.getElementById("note");
  const radios = () => Array.from(document.querySelectorAll('input[name="reason"]'));
  const current = () => holder.querySelector(".record");
  const currentId = () => (current() ? current().dataset.recordId : "");
  let excluding = false; // "e" pressed at a stage that needs a reason: the next number sends it
  let last = null; // the last decision sent: a number pressed on its record gives its reason
  let chain = Promise.resolve(); // one request at a time, in the order of the keys

  const reason = () => (radios().find((r) => r.checked) || { value: "" }).value;
  function setReason(value) { radios().forEach((r) => { r.checked = r.value === value; }); }

  function status(s) {
    if (!s) return;
    document.getElementById("count").textContent = s.count;
    document.getElementById("fill").style.width = s.total ? `${(100 * s.done) / s.total}%` : "0%";
    document.getElementById("order").textContent =
      `${s.order} order` + (s.learnt_from ? `, model learnt from ${s.learnt_from} decisions` : "");
    const list = document.getElementById("stopping");
    list.replaceChildren(...s.stopping.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }));
  }

  function show(data) {
    holder.innerHTML = data.html; // escaped by the server's templates
    const shown = current();
    excluding = false;
    setReason(shown ? shown.dataset.reason : "");
    note.value = shown ? shown.dataset.note : "";
    status(data.status);
    document.body.dataset.shown = data.record_id || "";
    window.scrollTo(0, 0);
  }

  function queue(task) {
    chain = chain.then(task).catch((error) => say(error.message, true));
    return chain;
  }

  // a key acts on the record shown when it was pressed: if another shows by its turn
  // (a key pressed twice, quickly), it is dropped rather than decide a record unseen
  function decide(decision, pressedOn = currentId()) {
    return queue(async () => {
      const id = currentId();
      if (!id || id !== pressedOn) return;
      if (decision === "exclude" && reasonRequired && !reason()) {
        excluding = true;
        say("Exclude: press the number of the reason");
        return;
      }
      await send(id, decision, decision === "include" ? "" : reason(), note.value);
    });
  }

  // what the page showed goes along: a decision or note changed meanwhile (another tab,
  // the sheet edited by hand) is not overwritten unawares
  async function send(id, decision, chosen, text) {
    const shownRecord = current();
    try {
      const data = await call("POST", `/api/screen/${stage}/decide`, {
        record_id: id, decision, reason: chosen, note: text,
        shown: shownRecord.dataset.decision, shown_note: shownRecord.dataset.note,
      });
      last = { id, decision, note: text };
      show(data);
      say(`${data.replaced ? "Changed" : "Saved"}: ${decision}${chosen ? " (" + chosen + ")" : ""} ${id}`);
    } catch (error) {
      if (error.data && error.data.html) show(error.data);
      throw error;
    }
  }

  function move(query, label) {
    return queue(async () => {
      show(await call("GET", `/api/screen/${stage}/record?${query}`));
      if (label) say(label);
    });
  }

  function undo() {
    return queue(async () => {
      const data = await call("POST", `/api/screen/${stage}/undo`, {});
      show(data);
      say(data.undone ? `Taken back: ${data.undone}` : "Nothing to take back");
    });
  }

  function pickReason(key, pressedOn = currentId()) {
    return queue(async () => {
      const radio = radios().find((r) => r.dataset.key === key);
      if (!radio) return;
      if (currentId() !== pressedOn) {
        // pressed just after "e": the reason of the record just excluded, not of this one
        if (last && last.id === pressedOn && last.decision === "exclude") {
          const data = await call("POST", `/api/screen/${stage}/decide`, {
            record_id: pressedOn, decision: "exclude", reason: radio.value, note: last.note,
          });
          show(data);
          say(`Changed: exclude (${radio.value}) ${pressedOn}`);
        }
        return;
      }
      radio.checked = true;
      if (excluding) { excluding = false; decide("exclude", currentId()); } // it waited for its reason
    });
  }

  document.querySelectorAll("[data-decision]").forEach((button) =>
    button.addEventListener("click", () => decide(button.dataset.decision)));
  document.getElementById("back").addEventListener("click",
    () => move(`before=${encodeURIComponent(currentId())}`));
  document.getElementById("next").addEventListener("click",
    () => move(`after=${encodeURIComponent(currentId())}`));
  document.getElementById("undo").addEventListener("click", undo);

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const typing = event.target === note || event.target.tagName === "INPUT";
    if (typing) {
      if (event.key === "Escape") { event.target.blur(); event.preventDefault(); }
      return;
    }
    const actions = {
      i: () => decide("include"), e: () => decide("exclude"), u: () => decide("unsure"),
      n: () => note.focus(), z: undo, Backspace: undo,
      ArrowLeft: () => move(`before=${encodeURIComponent(currentId())}`),
      ArrowRight: () => move(`after=${encodeURIComponent(currentId())}`),
    };
    let action = actions[event.key];
    if (!action && /^[0-9]$/.test(event.key)) action = () => pickReason(event.key);
    if (action) { event.preventDefault(); action(); }
  });

  // the model retrains in the background: refresh the bar now and then
  setInterval(() => {
    call("GET", `/api/screen/${stage}/status`).then(status).catch(() => {});
  }, 5000);
  document.body.dataset.shown = currentId();
  setReason(current() ? current().dataset.reason : "");
  note.value = current() ? current().dataset.note : "";
})();
