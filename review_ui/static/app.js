// Links between the page boxes, the claim rows and the assessment's evidence. Event
// delegation on the document, so rows swapped in by htmx keep working.
(function () {
  "use strict";

  function boxesFor(id) {
    return document.querySelectorAll('.box[data-target="' + CSS.escape(id) + '"]');
  }

  function highlight(id, on) {
    if (!id) return;
    var row = document.getElementById(id);
    if (row) row.classList.toggle("hl", on);
    boxesFor(id).forEach(function (b) { b.classList.toggle("hl", on); });
  }

  function targetOf(el) {
    var box = el.closest(".box");
    if (box) return box.dataset.target;
    var row = el.closest("tr.claim");
    return row ? row.id : null;
  }

  document.addEventListener("mouseover", function (e) { highlight(targetOf(e.target), true); });
  document.addEventListener("mouseout", function (e) { highlight(targetOf(e.target), false); });

  // Jump to a place on a page and flash it there.
  function jumpTo(doc, page, box) {
    var fig = document.querySelector('figure.page[data-doc="' + CSS.escape(doc) + '"][data-page="' + page + '"]');
    if (!fig) return false;
    fig.scrollIntoView({ behavior: "smooth", block: box ? "center" : "start" });
    if (box) {
      var c = box.split(",").map(Number), w = Number(fig.dataset.w), h = Number(fig.dataset.h);
      var f = document.createElement("div");
      f.className = "flash";
      f.style.left = (100 * c[0] / w) + "%";
      f.style.top = (100 * c[1] / h) + "%";
      f.style.width = (100 * (c[2] - c[0]) / w) + "%";
      f.style.height = (100 * (c[3] - c[1]) / h) + "%";
      fig.querySelector(".page-frame").appendChild(f);
      setTimeout(function () { f.remove(); }, 2500);
    }
    return true;
  }

  document.addEventListener("click", function (e) {
    var jump = e.target.closest("a.jump");
    if (jump) {
      e.preventDefault();
      jumpTo(jump.dataset.doc, jump.dataset.page, jump.dataset.box);
      return;
    }
    var box = e.target.closest(".box");
    if (box) {  // a box selects its value
      var row = document.getElementById(box.dataset.target);
      if (row) {
        row.scrollIntoView({ behavior: "smooth", block: "center" });
        document.querySelectorAll("tr.claim.selected").forEach(function (r) { r.classList.remove("selected"); });
        row.classList.add("selected");
        var value = row.querySelector(".value-btn");
        if (value) value.focus({ preventScroll: true });
      }
      return;
    }
    var cell = e.target.closest("tr.claim td.swatch, tr.claim td.field, tr.claim .value-btn");
    if (cell) {  // a value zooms to its box
      var first = boxesFor(cell.closest("tr").id)[0];
      if (first && window.zoomToBox) window.zoomToBox(first);
    }
  });

  // A failed request (server down, 500) must not pass silently.
  document.addEventListener("htmx:responseError", function (e) {
    var t = document.getElementById("htmx-error");
    t.textContent = "请求失败 — request failed (" + e.detail.xhr.status + "): " + (e.detail.xhr.responseText || "").slice(0, 200);
    t.hidden = false;
    setTimeout(function () { t.hidden = true; }, 6000);
  });
  document.addEventListener("htmx:sendError", function () {
    var t = document.getElementById("htmx-error");
    t.textContent = "无法连接服务器 — cannot reach the server; nothing was saved.";
    t.hidden = false;
  });

  // Line items: the table's cells are kept in the hidden JSON value that is saved.
  function syncItems(table) {
    var rows = [];
    table.querySelectorAll("tr.item-row").forEach(function (tr) {
      var row = {}, any = false;
      tr.querySelectorAll("input[data-key]").forEach(function (input) {
        var v = input.value.trim();
        if (v) { row[input.dataset.key] = v; any = true; }
      });
      if (any) rows.push(row);
    });
    table.closest("td").querySelector("input.items-json").value = JSON.stringify(rows);
  }
  document.addEventListener("input", function (e) {
    var table = e.target.closest && e.target.closest("table.items-edit");
    if (table) syncItems(table);
  });
  document.addEventListener("click", function (e) {
    var del = e.target.closest("button.item-del"), add = e.target.closest("button.item-add");
    if (del) {
      var table = del.closest("table.items-edit");
      del.closest("tr").remove();
      syncItems(table);
    } else if (add) {
      var body = add.closest("td").querySelector("table.items-edit tbody");
      var last = body.querySelector("tr.item-row:last-child");
      var row = last.cloneNode(true);
      row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      body.appendChild(row);
      row.querySelector("input").focus();
    }
  });

  // Enter saves an inline edit, Escape leaves it without saving. (Here, not in hx-trigger
  // filters: those need eval, which the Content-Security-Policy forbids.)
  document.addEventListener("keyup", function (e) {
    var row = e.target.closest && e.target.closest("tr.editing");
    if (!row || (e.target.tagName !== "INPUT" && e.target.tagName !== "TEXTAREA")) return;
    // in a list's text box Enter starts the next item; Ctrl+Enter saves
    var enter = e.key === "Enter" && (e.target.tagName === "INPUT" || e.ctrlKey);
    var button = e.key === "Escape" ? "button.cancel" : enter ? "button.save" : null;
    if (button) row.querySelector(button).click();
  });

  document.addEventListener("change", function (e) {
    if (e.target.matches("select.autosubmit")) e.target.form.submit();
  });

  // A session that ended (idle, logged out elsewhere) sends the reviewer to the login page.
  document.addEventListener("htmx:responseError", function (e) {
    if (e.detail.xhr.status === 401) window.location = "/login?next=" + encodeURIComponent(location.pathname);
  });

  // Attention first: n / p walk the items needing attention, e edits the current one.
  var current = -1;
  function attnLinks() { return document.querySelectorAll("#attention a.attn-link"); }
  function showCurrent() {
    var links = attnLinks();
    links.forEach(function (a, i) { a.parentElement.classList.toggle("current", i === current); });
    var link = links[current];
    if (!link) return;
    link.scrollIntoView({ block: "nearest" });
    var target = document.getElementById(link.dataset.target);
    if (!target) return;
    if (target.tagName === "DETAILS") target.open = true;
    target.scrollIntoView({ behavior: "smooth", block: "center" });
    document.querySelectorAll(".attn-target").forEach(function (el) { el.classList.remove("attn-target"); });
    target.classList.add("attn-target");
    var box = boxesFor(target.id)[0];
    if (box && window.zoomToBox) window.zoomToBox(box);
  }
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    var n = attnLinks().length;
    if (!n) return;
    if (e.key === "n" || e.key === "p") {
      current = e.key === "n" ? (current + 1) % n : (current - 1 + n) % n;
      showCurrent();
      e.preventDefault();
    } else if (e.key === "e" && current >= 0) {
      var target = document.getElementById(attnLinks()[current].dataset.target);
      var edit = target && target.querySelector(".value-btn");
      if (edit) { edit.click(); e.preventDefault(); }
    }
  });
  // The list is swapped in again after each save: keep the place in it.
  document.addEventListener("htmx:afterSettle", function () {
    attnLinks().forEach(function (a, i) { a.parentElement.classList.toggle("current", i === current); });
    var input = document.querySelector("tr.editing .edit-value");
    if (input && document.activeElement !== input && !document.activeElement.closest("tr.editing")) input.focus();
  });
})();
