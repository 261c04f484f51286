// idmapping's pages, made nicer where JavaScript runs; every page works without it.
// Data from the server or the user is only ever written with textContent or value.
(function () {
  "use strict";

  var RECENT_KEY = "idmapping.recentJobs";
  var RECENT_MAX = 50;
  var DAY = 86400000;

  function splitIds(text) {
    return text.split(/[\s,]+/).filter(function (id) { return id !== ""; });
  }

  function distinct(items) {
    var seen = new Set();
    return items.filter(function (item) {
      if (seen.has(item)) { return false; }
      seen.add(item);
      return true;
    });
  }

  function plural(n, word) {
    return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s");
  }

  function duration(ms) {
    var minutes = Math.round(Math.abs(ms) / 60000);
    if (minutes < 1) { return "less than a minute"; }
    if (minutes < 60) { return plural(minutes, "minute"); }
    var hours = Math.round(minutes / 60);
    if (hours < 48) { return plural(hours, "hour"); }
    return plural(Math.round(hours / 24), "day");
  }

  // -- recent jobs (localStorage) ---------------------------------------------------------

  function readRecent() {
    try {
      var jobs = JSON.parse(window.localStorage.getItem(RECENT_KEY) || "[]");
      return Array.isArray(jobs) ? jobs.filter(function (j) {
        return j && typeof j.id === "string" && typeof j.updated === "number";
      }) : [];
    } catch (e) {
      return [];
    }
  }

  function writeRecent(jobs) {
    try {
      window.localStorage.setItem(RECENT_KEY, JSON.stringify(jobs.slice(0, RECENT_MAX)));
    } catch (e) { /* storage full or disabled: the list is a convenience only */ }
  }

  function rememberJob(el) {
    var job = {
      id: el.dataset.jobId,
      from: el.dataset.from,
      to: el.dataset.to,
      count: Number(el.dataset.count),
      status: el.dataset.status,
      updated: Number(el.dataset.updated)
    };
    var jobs = readRecent().filter(function (j) { return j.id !== job.id; });
    jobs.unshift(job);
    jobs.sort(function (a, b) { return b.updated - a.updated; });
    writeRecent(jobs);
  }

  function showRecent(section) {
    var list = document.getElementById("recent-list");
    var ttlDays = Number(section.dataset.ttlDays);
    var root = document.querySelector("header.site .brand").getAttribute("href").replace(/\/$/, "");
    var jobs = readRecent();
    list.replaceChildren();
    section.hidden = false;
    document.getElementById("recent-clear").hidden = jobs.length === 0;
    if (jobs.length === 0) {
      var none = document.createElement("li");
      none.textContent = "No jobs submitted in this browser yet.";
      list.appendChild(none);
      return;
    }
    var now = Date.now();
    jobs.forEach(function (job) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + "/id-mapping/" + encodeURIComponent(job.id);
      link.textContent = (job.from || "?") + " → " + (job.to || "?");
      var meta = document.createElement("span");
      meta.className = "meta";
      var text = plural(job.count || 0, "id") + " · job " + job.id +
        " · submitted " + duration(now - job.updated) + " ago";
      if (ttlDays > 0) {
        var left = job.updated + ttlDays * DAY - now;
        if (left <= 0) {
          item.className = "expired";
          text += " · expired";
        } else {
          text += " · expires in " + duration(left);
        }
      }
      meta.textContent = text;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", "Remove job " + job.id + " from this list");
      remove.addEventListener("click", function () {
        writeRecent(readRecent().filter(function (j) { return j.id !== job.id; }));
        showRecent(section);
        document.getElementById("recent-title").focus();
      });
      item.append(link, meta, remove);
      list.appendChild(item);
    });
  }

  // -- the form -------------------------------------------------------------------------

  function setUpForm(form) {
    var data = JSON.parse(document.getElementById("form-data").textContent);
    var from = document.getElementById("from");
    var to = document.getElementById("to");
    var ids = document.getElementById("ids");
    var file = document.getElementById("file");
    var count = document.getElementById("ids-count");
    var taxonField = document.getElementById("taxon-field");
    var taxon = document.getElementById("taxId");
    var example = document.getElementById("example-link");

    function applyRule(reset) {
      var rule = data.rules[from.value];
      if (!rule) { return; }
      Array.prototype.forEach.call(to.options, function (option) {
        var allowed = rule.tos.indexOf(option.value) >= 0;
        option.hidden = !allowed;
        option.disabled = !allowed;
      });
      Array.prototype.forEach.call(to.querySelectorAll("optgroup"), function (group) {
        group.hidden = !group.querySelector("option:not([disabled])");
      });
      if (reset || rule.tos.indexOf(to.value) < 0) { to.value = rule.defaultTo; }
      taxonField.hidden = !rule.taxonId;
      taxon.disabled = !rule.taxonId;
    }

    function counted() {
      var all = splitIds(ids.value);
      var unique = distinct(all);
      var text = plural(unique.length, "id");
      if (all.length > unique.length) {
        text += " (" + plural(all.length - unique.length, "duplicate") + " removed)";
      }
      var over = unique.length > data.maxIds;
      if (over) {
        text += ": more than the limit of " + data.maxIds.toLocaleString("en") +
          ". Split your list into smaller parts.";
      }
      count.textContent = unique.length || all.length ? text : "";
      count.classList.toggle("over", over);
      ids.setAttribute("aria-invalid", over ? "true" : "false");
      return unique.length;
    }

    var taxonName = document.getElementById("taxon-name");
    if (taxonName && window.fetch) {
      // A name given as taxon: look it up (GET /idmapping/taxonomy) and say which taxon it
      // is; the form's submission resolves it again (the API's /idmapping/run takes ids).
      taxon.addEventListener("change", function () {
        var text = taxon.value.trim();
        taxonName.textContent = "";
        if (!text || /^[0-9]+$/.test(text)) { return; }
        var url = form.getAttribute("action").replace(/\/id-mapping$/, "") +
          "/idmapping/taxonomy?name=" + encodeURIComponent(text);
        fetch(url,
              { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (found) {
            if (!found || taxon.value.trim() !== text) { return; }
            var exact = found.results.filter(function (t) {
              return t.scientificName.toLowerCase() === text.toLowerCase();
            });
            if (!found.taxonomy) {
              taxonName.textContent = "This release holds no taxonomy: give a taxon id.";
            } else if (exact.length === 1) {
              taxon.value = String(exact[0].taxonId);
              taxonName.textContent = text + " is taxon " + exact[0].taxonId + " (" +
                (exact[0].rank || "no rank") + ").";
            } else {
              var named = (exact.length ? exact : found.results).slice(0, 5).map(function (t) {
                return t.scientificName + " (" + t.taxonId + ")";
              });
              taxonName.textContent = named.length ? "Which taxon? " + named.join(", ") :
                "No taxon is named " + text + ".";
            }
          })
          .catch(function () { /* the submission looks the name up again */ });
      });
    }

    from.addEventListener("change", function () { applyRule(true); });
    ids.addEventListener("input", counted);

    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) { return; }
      chosen.text().then(function (text) {
        ids.value = ids.value.trim() ? ids.value.replace(/\s*$/, "\n") + text : text;
        file.value = "";  // now in the text box: do not upload it a second time
        counted();
      });
    });

    if (example) {
      example.addEventListener("click", function (event) {
        event.preventDefault();
        if (!data.examples[from.value]) {
          from.value = data.acId;
          applyRule(true);
        }
        ids.value = (data.examples[from.value] || []).join("\n");
        counted();
        ids.focus();
      });
    }

    var detect = document.getElementById("detect");
    var detectNote = document.getElementById("detect-note");
    if (detect && window.fetch) {
      // Ask which database holds the ids (POST /idmapping/detect); choose it as From.
      detect.hidden = false;
      detect.addEventListener("click", function () {
        var list = distinct(splitIds(ids.value));
        if (list.length === 0) {
          detectNote.textContent = "Enter ids first.";
          ids.focus();
          return;
        }
        var url = form.getAttribute("action").replace(/\/id-mapping$/, "") + "/idmapping/detect";
        var body = new URLSearchParams();
        body.set("ids", list.join(","));
        detect.disabled = true;
        detectNote.textContent = "Looking the ids up…";
        fetch(url, { method: "POST", body: body })
          .then(function (response) {
            return response.json().then(function (json) { return [response.ok, json]; });
          })
          .then(function (answer) {
            var ok = answer[0], json = answer[1];
            if (!ok) {
              detectNote.textContent = (json.messages || ["The ids could not be looked up."])
                .join(" ");
            } else if (!json.best) {
              detectNote.textContent = "No database of this release holds these ids.";
            } else {
              from.value = json.best.database;
              applyRule(false);
              detectNote.textContent = "From set to " + json.best.displayName + ": " +
                json.best.reason + ".";
            }
          })
          .catch(function () { detectNote.textContent = "The ids could not be looked up."; })
          .then(function () { detect.disabled = false; });
      });
    }

    form.addEventListener("submit", function (event) {
      var n = counted();
      if (n === 0 && !(file.files && file.files.length)) {
        event.preventDefault();
        count.textContent = "Enter or upload at least one id.";
        count.classList.add("over");
        ids.focus();
      } else if (n > data.maxIds) {
        event.preventDefault();
        ids.focus();
      }
    });

    applyRule(false);
    counted();
  }

  // -- the job page ---------------------------------------------------------------------

  function pollJob(el) {
    var delay = 500;
    function poll() {
      fetch(el.dataset.statusUrl, { redirect: "manual", cache: "no-store" })
        .then(function (response) {
          // A 303 (FINISHED) is an opaque redirect here; 400/404/500 mean ERROR or gone.
          if (response.type === "opaqueredirect" || response.status !== 200) {
            window.location.reload();
            return null;
          }
          return response.json();
        })
        .then(function (body) {
          if (body === null) { return; }
          if (body && body.jobStatus && body.jobStatus !== el.dataset.status) {
            el.dataset.status = body.jobStatus;
          }
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, delay);
  }

  function setUpCopy(button) {
    var target = document.getElementById(button.dataset.copy);
    var note = button.parentNode.querySelector(".copied") ||
      button.closest("section, .api-urls").querySelector(".copied");
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { if (note) { note.textContent = "Copied."; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.value).then(done, function () {
          target.select();
        });
      } else {
        target.select();
        if (document.execCommand("copy")) { done(); }
      }
    });
  }

  // -- the asynchronous download ------------------------------------------------------------

  // Large results: the Download button asks the API to build the file
  // (POST /idmapping/download/run), follows its status and links to the file when it is ready.
  function setUpAsyncDownload(form) {
    var formats = form.dataset.asyncFormats.split(",");
    var base = form.dataset.asyncUrl;
    var box = document.getElementById("async-download");
    var status = document.getElementById("async-status");
    var error = document.getElementById("async-error");
    var ready = document.getElementById("async-ready");
    var link = document.getElementById("async-link");
    var button = document.getElementById("download-button");

    function read(response) {
      return response.json().then(function (json) { return [response.status, json]; },
        function () {
          return [response.status, { messages: ["The server answered " + response.status + "."] }];
        });
    }

    function messages(body) {
      if (body && body.messages) { return body.messages; }
      if (body && body.errors) { return body.errors.map(function (e) { return e.message; }); }
      return ["The download failed."];
    }

    function fail(texts) {
      status.textContent = "";
      error.textContent = "The file could not be built: " + texts.join(" ");
      error.hidden = false;
      button.disabled = false;
    }

    function finish(id) {
      fetch(base + "/details/" + encodeURIComponent(id), { cache: "no-store" })
        .then(read)
        .then(function (answer) {
          if (answer[0] !== 200 || !answer[1].redirectURL) { fail(messages(answer[1])); return; }
          link.href = answer[1].redirectURL;
          ready.hidden = false;
          status.textContent = "The file is ready.";
          button.disabled = false;
        })
        .catch(function () { fail(["The server could not be reached."]); });
    }

    function poll(id, delay) {
      fetch(base + "/status/" + encodeURIComponent(id), { cache: "no-store" })
        .then(read)
        .then(function (answer) {
          var body = answer[1];
          if (body.jobStatus === "FINISHED") { finish(id); return; }
          if (answer[0] !== 200 || body.jobStatus === "ERROR") { fail(messages(body)); return; }
          status.textContent = "Building the file (" + body.jobStatus.toLowerCase() + "): " +
            Number(body.processedEntries || 0).toLocaleString("en") + " of " +
            Number(body.totalEntries || 0).toLocaleString("en") + " results written…";
          window.setTimeout(function () { poll(id, Math.min(delay * 1.5, 5000)); }, delay);
        })
        .catch(function () { fail(["The server could not be reached."]); });
    }

    form.addEventListener("submit", function (event) {
      var chosen = form.querySelector("input[name=format]:checked");
      if (event.submitter && event.submitter.id !== "download-button") { return; }
      if (!chosen || formats.indexOf(chosen.value) < 0) { return; }  // streamed, as ever
      event.preventDefault();
      var body = new URLSearchParams();
      body.set("jobId", form.dataset.jobId);
      body.set("format", chosen.value);
      var fields = form.querySelector("input[name=fields]");
      if (fields && fields.value) { body.set("fields", fields.value); }
      var compressed = form.querySelector("input[name=compressed]");
      body.set("compressed", compressed && compressed.checked ? "true" : "false");
      box.hidden = false;
      error.hidden = true;
      ready.hidden = true;
      button.disabled = true;
      status.textContent = "Asking the server to build the file…";
      fetch(base + "/run", { method: "POST", body: body })
        .then(read)
        .then(function (answer) {
          if (answer[0] !== 200 || !answer[1].jobId) { fail(messages(answer[1])); return; }
          poll(answer[1].jobId, 300);
        })
        .catch(function () { fail(["The server could not be reached."]); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("mapping-form");
    if (form) { setUpForm(form); }
    var recent = document.getElementById("recent-jobs");
    if (recent) {
      showRecent(recent);
      document.getElementById("recent-title").tabIndex = -1;
      document.getElementById("recent-clear").addEventListener("click", function () {
        writeRecent([]);
        showRecent(recent);
      });
    }
    var job = document.getElementById("job");
    if (job) {
      rememberJob(job);
      if (job.dataset.status === "NEW" || job.dataset.status === "RUNNING") { pollJob(job); }
    }
    var alignJob = document.getElementById("align-job");
    if (alignJob && (alignJob.dataset.status === "NEW" || alignJob.dataset.status === "RUNNING")) {
      pollJob(alignJob);
    }
    var download = document.getElementById("download-form");
    if (download && download.dataset.asyncFormats && window.fetch) { setUpAsyncDownload(download); }
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), setUpCopy);
  });
})();
