/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  var DRAFT_KEY = "kb-draft";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function errorFragment(status, message) {
    var box = document.createElement("div");
    box.className = "notice error";
    box.setAttribute("role", "alert");
    var title = document.createElement("h2");
    title.className = "notice-title";
    title.textContent = status === 413 ? "内容太大（413）" : "请求失败（" + status + "）";
    var p = document.createElement("p");
    p.className = "message";
    p.textContent = message;
    box.appendChild(title);
    box.appendChild(p);
    return box.outerHTML;
  }

  /* JSON errors (the body-size limit answers in JSON) become a readable notice. */
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (xhr.status >= 400 && type.indexOf("application/json") === 0) {
      var message = "服务器拒绝了请求。";
      try { message = JSON.parse(xhr.responseText).error.message || message; } catch (e) { /* keep default */ }
      evt.detail.serverResponse = errorFragment(xhr.status, message);
      evt.detail.shouldSwap = true;
      evt.detail.isError = true;
    }
  });

  /* A lost connection is reported next to the control that was used. */
  document.addEventListener("htmx:sendError", function (evt) {
    var target = evt.detail.target;
    if (target) {
      target.innerHTML = errorFragment(0, "无法连接服务器，请检查网络后重试。");
    }
  });

  /* The draft lives in the page; a copy is kept in this browser so other pages can add to it. */
  function saveDraft(root) {
    var state = (root || document).querySelector("#draft-state");
    var store = storage();
    if (state && store) { store.setItem(DRAFT_KEY, state.textContent); }
  }

  function fillCarriers(root) {
    var store = storage();
    var saved = store ? store.getItem(DRAFT_KEY) : null;
    (root || document).querySelectorAll("form[data-draft-carrier]").forEach(function (form) {
      var field = form.querySelector("input[name=doc]");
      if (field && saved) { field.value = saved; }
      if (form.hasAttribute("data-restore") && saved) { form.hidden = false; }
    });
  }

  document.addEventListener("submit", function (evt) {
    if (evt.target.matches("form[data-draft-carrier]")) { fillCarriers(evt.target.parentNode); }
  }, true);

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest("[data-forget-draft]");
    var store = storage();
    if (button && store) { store.removeItem(DRAFT_KEY); }
    if (button && button.hasAttribute("data-hide-restore")) { button.closest("form").hidden = true; }
  });

  /* After a row is added or removed the clicked button is gone: put the focus where work goes on. */
  var lastDraftAction = null;
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.tagName === "BUTTON" && elt.closest("#draft-form")) {
      lastDraftAction = { name: elt.name, value: elt.value };
    }
  });

  function focusAfterEdit() {
    var action = lastDraftAction;
    lastDraftAction = null;
    if (!action || !document.getElementById("draft-form")) { return; }
    var rows = document.querySelectorAll("#draft-form tbody tr[id^=row-]");
    var last = rows.length ? rows[rows.length - 1] : null;
    var target = null;
    if (action.name === "remove") {
      var i = parseInt(action.value, 10);
      target = document.querySelector("button[name=remove][value='" + i + "']") ||
        document.querySelector("button[name=remove][value='" + (i - 1) + "']") || document.getElementById("add_q");
    } else if (action.name === "add" && last) {
      target = last.querySelector("input[name=value]");
    } else if (action.name === "action" && action.value === "blank" && last) {
      target = last.querySelector("input[name=name]");
    }
    if (target) { target.focus(); }
  }

  /* Sortable tables: header buttons sort the body rows by that column. */
  function cellValue(row, index, numeric) {
    var cell = row.children[index];
    var raw = cell ? (cell.getAttribute("data-sort") || cell.textContent.trim()) : "";
    if (numeric) {
      var n = parseFloat(raw.replace(/,/g, ""));
      return isNaN(n) ? -Infinity : n;
    }
    return raw;
  }

  function sortBy(button) {
    var th = button.closest("th");
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.hasAttribute("data-numeric");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var c = numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function enableSorting(root) {
    (root || document).querySelectorAll("table[data-sortable] thead th[data-sort-key]").forEach(function (th) {
      if (th.querySelector("button")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent.trim();
      button.setAttribute("aria-label", "按" + button.textContent + "排序");
      th.textContent = "";
      th.appendChild(button);
    });
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest("table[data-sortable] th button.sort");
    if (button) { sortBy(button); }
  });

  /* "/" jumps to the search box, as on most search sites. */
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "/" || evt.ctrlKey || evt.metaKey || evt.altKey) { return; }
    var tag = (document.activeElement && document.activeElement.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || document.activeElement.isContentEditable) { return; }
    var box = document.getElementById("q");
    if (box) { evt.preventDefault(); box.focus(); box.select(); }
  });

  /* "Copy rows": the picked rows (or all) as tab-separated text, which Excel and WPS paste as a table. */
  function enableCopy(root) {
    root.querySelectorAll("button.copy-rows[hidden]").forEach(function (btn) {
      btn.hidden = false;
      var rowsOf = document.getElementById(btn.getAttribute("data-for"));
      if (rowsOf) {  /* picking a row is no new search: keep the change from the search form */
        rowsOf.addEventListener("change", function (evt) {
          if (evt.target.classList.contains("pick")) { evt.stopPropagation(); }
        });
      }
      btn.addEventListener("click", function () {
        var list = document.getElementById(btn.getAttribute("data-for"));
        if (!list) { return; }
        var rows = Array.prototype.slice.call(list.querySelectorAll("[data-tsv]"));
        var picked = rows.filter(function (r) { var c = r.querySelector("input.pick"); return c && c.checked; });
        var chosen = picked.length ? picked : rows;
        var text = [btn.getAttribute("data-header")].concat(chosen.map(function (r) {
          return r.getAttribute("data-tsv");
        })).join("\n") + "\n";
        navigator.clipboard.writeText(text).then(function () {
          btn.textContent = "已复制 " + chosen.length + " 行，可粘贴到 Excel / WPS";
        }, function () {
          btn.textContent = "浏览器不允许写入剪贴板；请改用“导出 Excel”";
        });
      });
    });
  }

  function enhance(root) {
    saveDraft(root);
    fillCarriers(root);
    enableSorting(root);
    enableCopy(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (evt) {
    enhance(document);
    var target = evt.detail.target;
    if (target && (target.id === "draft" || target.id === "draft-area")) { focusAfterEdit(); }
  });
}());

/* ---- review seasons: a print button on the printable pages (审核意见书, 问题案例汇编) ---- */
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    if (evt.target.closest("button[data-print]")) { window.print(); }
  });
}());

/* ---- drafts kept on the server: 我的草稿 warns when this browser holds a draft never saved there ---- */
(function () {
  "use strict";
  function showUnsavedDraft() {
    var box = document.querySelector("[data-unsaved-draft]");
    var kept = null;
    if (!box) { return; }
    try { kept = JSON.parse(window.localStorage.getItem("kb-draft") || "null"); } catch (e) { kept = null; }
    if (!kept || kept.draft_id || !kept.project || !kept.project.name) { return; }
    box.querySelector("[data-unsaved-name]").textContent = kept.project.name;
    box.hidden = false;
  }
  document.addEventListener("DOMContentLoaded", showUnsavedDraft);
}());

/* ---- Excel habits in the tables people type into (the draft's indicator table, the actuals forms): cells
   copied in Excel or WPS and pasted into one box fill the boxes below it and to its right, and Enter moves
   down a column (Shift+Enter up), as they would in the sheet ---- */
(function () {
  "use strict";
  function parseCells(text) {
    /* the clipboard's tab-separated text: a cell holding a tab, a line break or a quote comes quoted */
    var rows = [[]], cell = "", quoted = false, i, ch;
    text = text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
    for (i = 0; i < text.length; i += 1) {
      ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
        else if (ch === '"') { quoted = false; }
        else { cell += ch; }
      } else if (ch === '"' && cell === "") { quoted = true; }
      else if (ch === "\t") { rows[rows.length - 1].push(cell); cell = ""; }
      else if (ch === "\n") { rows[rows.length - 1].push(cell); rows.push([]); cell = ""; }
      else { cell += ch; }
    }
    rows[rows.length - 1].push(cell);
    return rows;
  }
  function boxes(tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("input:not([type=hidden]), select"));
  }
  function put(box, value) {
    if (box.tagName === "SELECT") {
      var option = Array.prototype.find.call(box.options, function (o) { return o.value === value || o.text === value; });
      if (!option) { return false; }
      box.value = option.value;
    } else {
      box.value = value;
    }
    box.dispatchEvent(new Event("input", { bubbles: true }));   // one check after the last (hx-trigger's delay)
    return true;
  }
  document.addEventListener("keydown", function (evt) {
    var box = evt.target, grid = box && box.closest && box.closest("table[data-paste-grid]");
    if (!grid || box.tagName !== "INPUT" || evt.key !== "Enter" || evt.isComposing || evt.keyCode === 229 ||
        evt.ctrlKey || evt.metaKey || evt.altKey) { return; }   // an input method's Enter commits its text
    var rows = Array.prototype.slice.call(box.closest("tbody").rows), at = rows.indexOf(box.closest("tr"));
    var next = rows[at + (evt.shiftKey ? -1 : 1)];
    var target = next && boxes(next)[boxes(rows[at]).indexOf(box)];
    if (!target) { return; }   // past the last row, Enter does what it does in the form
    evt.preventDefault();
    target.focus();
    if (target.select) { target.select(); }
  });
  document.addEventListener("paste", function (evt) {
    var box = evt.target, grid = box && box.closest && box.closest("table[data-paste-grid]");
    var text = evt.clipboardData ? evt.clipboardData.getData("text/plain") : "";
    if (!grid || box.tagName !== "INPUT" || !/[\t\n]/.test(text.replace(/\r?\n$/, ""))) { return; }
    evt.preventDefault();
    var rows = Array.prototype.slice.call(box.closest("tbody").rows), first = rows.indexOf(box.closest("tr"));
    var column = boxes(rows[first]).indexOf(box), filled = 0, last = null, cells = parseCells(text);
    cells.forEach(function (line, r) {
      var tr = rows[first + r];
      if (!tr) { return; }
      line.forEach(function (value, c) {
        var target = boxes(tr)[column + c];
        if (target && put(target, value.trim())) { filled += 1; last = target; }
      });
    });
    if (last) { last.dispatchEvent(new Event("change", { bubbles: true })); }
    var status = document.getElementById("paste-status");
    if (status) {
      status.textContent = "已粘贴 " + filled + " 格" + (cells.length > rows.length - first
        ? "；复制了 " + cells.length + " 行，表中此处往下只有 " + (rows.length - first) + " 行" : "");
    }
  });
}());
