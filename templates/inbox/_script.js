(function () {
  "use strict";
  // The filters apply as soon as one is picked (a listener here: the Content-Security-Policy
  // allows no inline handlers).
  document.addEventListener("change", event => {
    const select = event.target.closest ? event.target.closest("select[data-autosubmit]") : null;
    if (select && select.form) select.form.submit();
  });
  const page = document.querySelector(".ib-page");
  if (!page) return;
  const live = document.getElementById("ib-live");
  const queueBox = document.getElementById("queue");
  const conversationId = page.dataset.conversation || "";
  const scroller = document.getElementById("timeline-scroll");
  const timelineBox = document.getElementById("timeline");
  let socket = null;
  let retry = 1000;
  let queueTimer = null;
  // Set while this page submits a form or unloads: the event our own action caused must
  // not reload the page under the navigation it started.
  let leaving = false;
  window.addEventListener("beforeunload", () => { leaving = true; });

  function setLive(on) {
    if (!live) return;
    live.classList.toggle("on", on);
    live.querySelector("span").textContent = on ? "Live" : "Reconnecting…";
  }

  function knownRows() {
    return new Set(Array.from(queueBox.querySelectorAll(".ib-row")).map(r => r.dataset.handoff));
  }

  async function refreshQueue() {
    if (!queueBox || !page.dataset.queueUrl) return;
    const before = knownRows();
    try {
      const response = await fetch(page.dataset.queueUrl, {credentials: "same-origin"});
      if (!response.ok) return;
      const holder = document.createElement("div");
      holder.innerHTML = await response.text();
      const fresh = holder.firstElementChild;
      if (!fresh) return;
      const target = queueBox.querySelector(".ib-queue");
      if (target) target.replaceWith(fresh); else queueBox.appendChild(fresh);
      fresh.querySelectorAll(".ib-row").forEach(row => {
        if (!before.has(row.dataset.handoff)) row.classList.add("ib-new");
      });
      ["all", "mine", "unassigned"].forEach(view => {
        document.querySelectorAll(`[data-count="${view}"]`).forEach(el => {
          el.textContent = fresh.dataset[view];
        });
      });
    } catch (err) { /* the next event or poll tries again */ }
  }

  function scheduleQueue() {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(refreshQueue, 150);
  }

  function nearBottom() {
    return !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 160;
  }

  function toBottom() { if (scroller) scroller.scrollTop = scroller.scrollHeight; }

  async function refreshTimeline() {
    if (!timelineBox || !page.dataset.timelineUrl) return;
    const stick = nearBottom();
    try {
      const response = await fetch(page.dataset.timelineUrl, {credentials: "same-origin"});
      if (!response.ok) return;
      timelineBox.innerHTML = await response.text();
      if (stick) toBottom();
    } catch (err) { /* try again on the next event */ }
  }

  function composing() {
    return Array.from(document.querySelectorAll(".ib-composer textarea"))
      .some(t => t.value.trim() !== "");
  }

  function onEvent(event) {
    if (leaving) return;
    scheduleQueue();
    if (!conversationId || String(event.conversation) !== conversationId) return;
    if (event.kind === "message" || event.kind === "note" || event.kind === "sla_breach") {
      refreshTimeline();
    } else if (!composing()) {
      // Someone else claimed, decided or closed this case: show the page as it is now.
      window.location.reload();
    } else {
      refreshTimeline();
    }
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${proto}://${location.host}/ws/inbox/`);
    socket.onopen = () => { retry = 1000; setLive(true); };
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "hello") { if (!leaving) scheduleQueue(); }
      else if (data.type === "event") { onEvent(data); }
    };
    socket.onclose = (closed) => {
      setLive(false);
      if (closed.code === 4403) return;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    };
  }

  connect();
  // Handoffs made by a worker process reach this page through the channel layer only when
  // it is shared (Redis); polling keeps the queue right without it.
  setInterval(refreshQueue, 20000);

  // Composer: tabs, canned responses, Ctrl+Enter, no double submits.
  document.querySelectorAll(".ib-composer-tabs button").forEach(tab => {
    tab.addEventListener("click", () => {
      document.querySelectorAll(".ib-composer-tabs button").forEach(t => t.classList.toggle("on", t === tab));
      document.querySelectorAll(".ib-composer [data-panel]").forEach(panel => {
        panel.hidden = panel.dataset.panel !== tab.dataset.tab;
      });
      const area = document.querySelector(`[data-panel="${tab.dataset.tab}"] textarea`);
      if (area) area.focus();
    });
  });

  const canned = document.getElementById("canned");
  const replyText = document.getElementById("reply-text");
  if (canned && replyText) {
    canned.addEventListener("change", () => {
      const option = canned.selectedOptions[0];
      if (option && option.dataset.text) {
        const before = replyText.value.slice(0, replyText.selectionStart ?? replyText.value.length);
        const text = (before && !/\s$/.test(before) ? "\n\n" : "") + option.dataset.text;
        const start = replyText.selectionStart ?? replyText.value.length;
        const end = replyText.selectionEnd ?? replyText.value.length;
        replyText.value = replyText.value.slice(0, start) + text + replyText.value.slice(end);
        replyText.focus();
        const missing = replyText.value.match(/\{[a-z_]+\}/);
        if (missing) {
          const at = replyText.value.indexOf(missing[0]);
          replyText.setSelectionRange(at, at + missing[0].length);
        }
      }
      canned.value = "";
    });
  }

  document.querySelectorAll(".ib-composer textarea").forEach(area => {
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        area.form.requestSubmit();
      }
    });
  });

  document.querySelectorAll(".ib-page form[method=post]").forEach(form => {
    form.addEventListener("submit", () => {
      leaving = true;
      form.querySelectorAll("button[type=submit]").forEach(b => { b.disabled = true; });
    });
  });

  toBottom();
})();
