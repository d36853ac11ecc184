// roster console: copy/download buttons, tabs, catalog filter, Role ARN
// validation as you type, and the live connection test. No framework.
(function () {
  "use strict";
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function textOf(id) { const el = document.getElementById(id); return el ? el.textContent : ""; }

  $$("[data-copy]").forEach((b) => b.addEventListener("click", async () => {
    const text = textOf(b.dataset.copy);
    try { await navigator.clipboard.writeText(text); }
    catch (_) {
      const t = document.createElement("textarea"); t.value = text; document.body.appendChild(t);
      t.select(); document.execCommand("copy"); t.remove();
    }
    window.__rosterLastCopied = text;
    const old = b.textContent; b.textContent = "Copied"; setTimeout(() => (b.textContent = old), 1200);
  }));

  $$("[data-download]").forEach((b) => b.addEventListener("click", () => {
    const blob = new Blob([textOf(b.dataset.download)], { type: "text/plain" });
    const a = document.createElement("a"); a.href = URL.createObjectURL(blob);
    a.download = b.dataset.filename || "roster.txt"; a.click(); URL.revokeObjectURL(a.href);
  }));

  $$(".tabs").forEach((tabs) => {
    const buttons = $$("button[data-tab]", tabs);
    buttons.forEach((b) => b.addEventListener("click", () => {
      buttons.forEach((x) => x.classList.toggle("active", x === b));
      $$(".tab").forEach((t) => (t.hidden = t.id !== b.dataset.tab));
    }));
  });

  // Catalog: filter cards as you type or pick a category.
  const search = $("#catalog-search"), category = $("#catalog-category");
  function filterCards() {
    const q = (search ? search.value : "").trim().toLowerCase();
    const c = category ? category.value : "";
    $$(".card[data-name]").forEach((card) => {
      const hay = (card.dataset.name + " " + card.dataset.description).toLowerCase();
      card.hidden = (q && !hay.includes(q)) || (c && card.dataset.category !== c);
    });
  }
  if (search) search.addEventListener("input", filterCards);
  if (category) category.addEventListener("change", filterCards);

  // Toggle on a card: submit its form (same tab, no pop-up).
  $$("form.toggle input[type=checkbox]").forEach((box) => box.addEventListener("change", () => {
    if (box.checked) box.form.submit();
  }));

  // Role ARN: validated by roster's own parser as you type.
  const arn = $("#role-arn"), reason = $("#arn-reason"), submit = $("#connect-submit");
  let pending = 0;
  async function validate() {
    const value = arn.value.trim(); const mine = ++pending;
    if (!value) { reason.textContent = ""; submit.disabled = true; return; }
    const r = await fetch("/api/v1/role-arn/validate?arn=" + encodeURIComponent(value), { credentials: "same-origin" });
    const body = await r.json(); if (mine !== pending) return;
    reason.textContent = body.valid ? "Looks right: account " + body.account + ", role " + body.name : body.reason;
    reason.classList.toggle("ok", !!body.valid); submit.disabled = !body.valid;
  }
  if (arn) { arn.addEventListener("input", validate); validate(); }

  // Submit: run the connection test and show each step as it completes.
  const form = $("#connect-form");
  if (form) form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const steps = $("#steps"), ok = $("#configured"), bad = $("#diagnosis");
    ok.hidden = true; bad.hidden = true; steps.hidden = false; submit.disabled = true;
    $$("li", steps).forEach((li) => { li.dataset.status = "waiting"; $(".detail", li).textContent = ""; });
    const body = JSON.stringify({
      role_arn: arn.value.trim(),
      region: ($("#region") || {}).value || null,
      identity_store_id: ($("#identity-store-id") || {}).value || null,
      collect_access: form.dataset.collectAccess === "true",
    });
    const r = await fetch(form.dataset.api + "?stream=true", {
      method: "POST", credentials: "same-origin", body,
      headers: { "content-type": "application/json", "x-csrf-token": csrf() },
    });
    if (!r.ok || !r.body) {
      const e = await r.json().catch(() => ({ code: "error", message: r.statusText }));
      showDiagnosis(e); submit.disabled = false; return;
    }
    const reader = r.body.getReader(); const dec = new TextDecoder(); let buf = "";
    for (;;) {
      const { value, done } = await reader.read(); if (done) break;
      buf += dec.decode(value, { stream: true });
      let i; while ((i = buf.indexOf("\n")) >= 0) { handle(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
    }
    submit.disabled = false;

    function handle(msg) {
      if (msg.type === "step") {
        const li = $('li[data-step="' + msg.step.step + '"]', steps);
        if (li) { li.dataset.status = msg.step.status; $(".detail", li).textContent = msg.step.detail ? " — " + msg.step.detail : ""; }
      } else if (msg.type === "result" && msg.result.status === "connected") {
        $("#configured-store-id").textContent = msg.result.location.identity_store_id;
        $("#configured-region").textContent = msg.result.location.region;
        ok.hidden = false;
      } else if (msg.type === "result") { showDiagnosis(msg.result.diagnosis); }
      else if (msg.type === "error") { showDiagnosis(msg.error); }
    }
    function showDiagnosis(d) {
      $("#diagnosis-code").textContent = d.code; $("#diagnosis-cause").textContent = d.message;
      $("#diagnosis-fix").textContent = d.fix || ""; bad.hidden = false;
    }
  });

  // Confirmations for destructive buttons.
  $$("form[data-confirm]").forEach((f) => f.addEventListener("submit", (ev) => {
    if (!window.confirm(f.dataset.confirm)) ev.preventDefault();
  }));
})();
