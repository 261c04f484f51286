// The basket: entries chosen on result pages, kept in localStorage across jobs and visits,
// with a counter in the header; its page downloads, maps and aligns them through the API.
// Data from the server or the user is only ever written with textContent or value.
(function () {
  "use strict";

  var KEY = "idmapping.basket";
  var MAX = 10000;  // entries kept: the basket is mapped again as one job of at most this many

  function root() {
    return document.querySelector("header.site .brand").getAttribute("href").replace(/\/$/, "");
  }

  function read() {
    try {
      var items = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (i) {
        return i && typeof i.id === "string";
      }) : [];
    } catch (e) {
      return [];
    }
  }

  function write(items) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(items));
    } catch (e) { /* storage full or disabled: nothing is kept */ }
    showCount(items);
  }

  function showCount(items) {
    var count = document.getElementById("basket-count");
    if (!count) { return; }
    count.textContent = items.length.toLocaleString("en");
    count.hidden = false;
  }

  function entries(n) {
    return n.toLocaleString("en") + (n === 1 ? " entry" : " entries");
  }

  // Add *ids* (from job *job*); return how many were new, and whether the basket is full.
  function add(ids, job) {
    var items = read();
    var have = new Set(items.map(function (i) { return i.id; }));
    var added = 0, full = false;
    ids.forEach(function (id) {
      if (!id || have.has(id)) { return; }
      if (items.length >= MAX) { full = true; return; }
      items.push({ id: id, job: job, added: Date.now() });
      have.add(id);
      added += 1;
    });
    write(items);
    return { added: added, full: full };
  }

  function remove(ids) {
    var gone = new Set(ids);
    write(read().filter(function (i) { return !gone.has(i.id); }));
  }

  function addedText(result) {
    var text = entries(result.added) + " added to the basket.";
    if (result.full) { text += " The basket is full (" + MAX.toLocaleString("en") + " entries)."; }
    return text;
  }

  // POST a form to the API; resolve to [ok, json].
  function post(path, fields) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (name) { body.set(name, fields[name]); });
    return fetch(root() + path, { method: "POST", body: body }).then(function (response) {
      return response.json().then(function (json) { return [response.ok, json]; },
        function () { return [false, { messages: ["The server answered " + response.status + "."] }]; });
    });
  }

  function align(ids, note, max) {
    if (ids.length < 2 || ids.length > max) {
      note.textContent = "Choose 2 to " + max.toLocaleString("en") + " entries to align; " +
        ids.length.toLocaleString("en") + " chosen.";
      return;
    }
    note.textContent = "Submitting the alignment…";
    post("/align/run", { ids: ids.join(",") }).then(function (answer) {
      if (answer[0]) {
        window.location.href = root() + "/id-mapping/align/" + encodeURIComponent(answer[1].jobId);
      } else {
        note.textContent = (answer[1].messages || ["The alignment was refused."]).join(" ");
      }
    }).catch(function () { note.textContent = "The alignment could not be submitted."; });
  }

  // Map *ids* UniProtKB_AC-ID → UniProtKB; resolve to the job id once it has finished.
  function mapIds(ids, from, to) {
    return post("/idmapping/run", { from: from, to: to, ids: ids.join(",") }).then(function (answer) {
      if (!answer[0]) { throw new Error((answer[1].messages || ["refused"]).join(" ")); }
      var job = answer[1].jobId;
      var delay = 200;
      function poll() {
        return fetch(root() + "/idmapping/status/" + encodeURIComponent(job),
                     { redirect: "manual", cache: "no-store" }).then(function (response) {
          if (response.type === "opaqueredirect") { return job; }
          if (response.status !== 200) { throw new Error("The mapping of the basket failed."); }
          return new Promise(function (resolve) { window.setTimeout(resolve, delay); })
            .then(function () { delay = Math.min(delay * 1.5, 3000); return poll(); });
        });
      }
      return poll();
    });
  }

  // -- the results table of a job page ----------------------------------------------------

  function checkbox(label) {
    var box = document.createElement("input");
    box.type = "checkbox";
    box.setAttribute("aria-label", label);
    return box;
  }

  function setUpResults(tools, table) {
    var job = tools.dataset.jobId;
    var note = document.getElementById("basket-note");
    // the checkboxes go inside each row's first cell: the table's columns stay as they are
    var head = table.tHead.rows[0].cells[0];
    var all = checkbox("Select every row of this page");
    all.id = "select-page";
    all.className = "pick";
    head.insertBefore(all, head.firstChild);
    var boxes = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var box = checkbox("Select " + row.dataset.key);
      box.value = row.dataset.key;
      box.className = "pick row-pick";
      row.cells[0].insertBefore(box, row.cells[0].firstChild);
      boxes.push(box);
    });
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
    function selected() {
      var ids = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      return ids.filter(function (id, n) { return ids.indexOf(id) === n; });
    }
    document.getElementById("basket-add").addEventListener("click", function () {
      var ids = selected();
      note.textContent = ids.length ? addedText(add(ids, job)) : "Select rows first.";
    });
    document.getElementById("basket-add-all").addEventListener("click", function () {
      note.textContent = "Reading the results…";
      fetch(tools.dataset.allUrl, { cache: "no-store" }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      }).then(function (text) {
        var ids = text.split(/\s+/).filter(function (id) { return id !== ""; });
        note.textContent = addedText(add(ids, job));
      }).catch(function () { note.textContent = "The results could not be read."; });
    });
    document.getElementById("align-selected").addEventListener("click", function () {
      align(selected(), note, Number(tools.dataset.maxAlign));
    });
    tools.hidden = false;
  }

  // -- the basket page --------------------------------------------------------------------

  function setUpBasket(page) {
    var body = document.querySelector("#basket-table tbody");
    var all = document.getElementById("basket-all");
    var summary = document.getElementById("basket-summary");
    var status = document.getElementById("basket-status");
    var note = document.getElementById("align-note");

    function boxes() { return Array.prototype.slice.call(body.querySelectorAll("input.row-pick")); }
    function chosen() {
      var picked = boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      return picked.length ? picked : read().map(function (i) { return i.id; });
    }

    function show() {
      var items = read();
      body.replaceChildren();
      all.checked = false;
      summary.textContent = items.length ? entries(items.length) +
        " in the basket." : "The basket is empty: add entries from the results of a job.";
      items.forEach(function (item) {
        var row = document.createElement("tr");
        row.dataset.key = item.id;
        var pick = document.createElement("td");
        var box = checkbox("Select " + item.id);
        box.className = "row-pick";
        box.value = item.id;
        pick.appendChild(box);
        var entry = document.createElement("th");
        entry.scope = "row";
        entry.textContent = item.id;
        var from = document.createElement("td");
        if (item.job) {
          var link = document.createElement("a");
          link.href = root() + "/id-mapping/" + encodeURIComponent(item.job);
          link.textContent = item.job;
          from.appendChild(link);
        }
        var when = document.createElement("td");
        when.textContent = item.added ? new Date(item.added).toLocaleString("en") : "";
        var action = document.createElement("td");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary remove";
        button.textContent = "Remove";
        button.setAttribute("aria-label", "Remove " + item.id + " from the basket");
        button.addEventListener("click", function () { remove([item.id]); show(); });
        action.appendChild(button);
        row.append(pick, entry, from, when, action);
        body.appendChild(row);
      });
    }

    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
    document.getElementById("basket-remove-selected").addEventListener("click", function () {
      remove(boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
      show();
    });
    document.getElementById("basket-clear").addEventListener("click", function () {
      write([]);
      show();
    });
    document.getElementById("basket-download-button").addEventListener("click", function () {
      var ids = chosen();
      if (!ids.length) { status.textContent = "The basket is empty."; return; }
      var format = document.querySelector("input[name='basket-format']:checked").value;
      var fields = Array.prototype.map.call(
        document.querySelectorAll("input[name='basket-fields']:checked"),
        function (box) { return box.value; });
      status.textContent = "Mapping " + entries(ids.length) + "…";
      mapIds(ids, page.dataset.from, page.dataset.to).then(function (job) {
        var url = root() + "/idmapping/uniprotkb/results/stream/" + encodeURIComponent(job) +
          "?format=" + format + (format === "tsv" && fields.length ?
            "&fields=" + encodeURIComponent(fields.join(",")) : "") + "&download=true";
        var link = document.getElementById("basket-download-link");
        var jobLink = document.getElementById("basket-job-link");
        link.href = url;
        jobLink.href = root() + "/id-mapping/" + encodeURIComponent(job);
        jobLink.textContent = job;
        document.getElementById("basket-links").hidden = false;
        status.textContent = "Downloading.";
        link.click();
      }).catch(function (error) { status.textContent = error.message; });
    });
    document.getElementById("basket-align").addEventListener("click", function () {
      align(chosen(), note, Number(page.dataset.maxAlign));
    });
    document.getElementById("basket-submit-form").addEventListener("submit", function (event) {
      var ids = chosen();
      if (!ids.length) { event.preventDefault(); status.textContent = "The basket is empty."; return; }
      document.getElementById("basket-ids").value = ids.join("\n");
    });
    window.addEventListener("storage", function (event) { if (event.key === KEY) { show(); } });
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    showCount(read());
    window.addEventListener("storage", function (event) {
      if (event.key === KEY) { showCount(read()); }
    });
    var tools = document.getElementById("basket-tools");
    var table = document.getElementById("results-table");
    if (tools && table) { setUpResults(tools, table); }
    var page = document.getElementById("basket-page");
    if (page) { setUpBasket(page); }
  });
})();
