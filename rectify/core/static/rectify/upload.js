// Evidence upload: drag and drop, several files, size and type checked before sending, a progress bar.
// The server checks every file again by its content; this only saves the user a wasted upload.
(function () {
  "use strict";
  var ALLOWED = /\.(pdf|jpe?g|png|gif|webp|bmp|tiff?|docx?|xlsx?|pptx?|wps|ofd|zip)$/i;

  function humanSize(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function enhance(input) {
    var form = input.form;
    var maxBytes = Number(input.dataset.maxBytes || 0);
    var messages = input.dataset;
    var zone = document.createElement("div");
    zone.className = "upload-zone border border-2 rounded p-3 text-center text-secondary mb-2";
    zone.textContent = messages.dropText;
    zone.setAttribute("data-testid", "drop-zone");
    var list = document.createElement("ul");
    list.className = "list-unstyled small mb-1 upload-list";
    var problems = document.createElement("div");
    problems.className = "text-danger small upload-problems";
    var progress = document.createElement("div");
    progress.className = "progress d-none mb-2";
    progress.setAttribute("role", "progressbar");
    progress.setAttribute("aria-label", messages.progressLabel);
    var bar = document.createElement("div");
    bar.className = "progress-bar";
    progress.appendChild(bar);
    input.parentNode.insertBefore(zone, input);
    input.parentNode.insertBefore(list, input.nextSibling);
    list.parentNode.insertBefore(problems, list.nextSibling);
    problems.parentNode.insertBefore(progress, problems.nextSibling);

    function check() {
      list.textContent = "";
      var errors = [];
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + "（" + humanSize(file.size) + "）";
        list.appendChild(item);
        if (maxBytes && file.size > maxBytes) errors.push(messages.tooBig.replace("%s", file.name));
        else if (!ALLOWED.test(file.name)) errors.push(messages.badType.replace("%s", file.name));
        else if (file.size === 0) errors.push(messages.empty.replace("%s", file.name));
      });
      problems.textContent = errors.join("；");
      return errors.length === 0;
    }

    zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("border-primary"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("border-primary"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("border-primary");
      var merged = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { merged.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (f) { merged.items.add(f); });
      input.files = merged.files;
      check();
    });
    zone.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", check);

    form.addEventListener("submit", function (event) {
      if (!check()) { event.preventDefault(); return; }
      if (!input.files.length || !window.FormData) return;
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.style.width = percent + "%";
        bar.textContent = percent + "%";
      });
      request.addEventListener("load", function () {
        // Done: the server names the page to go to, where its confirmation waits (it sent no redirect,
        // which this background request would have followed, consuming the confirmation).
        var next = request.getResponseHeader("X-Rectify-Location");
        if (next) {
          window.location.href = next;
          return;
        }
        if (request.responseURL && request.responseURL.split("#")[0] !== (form.action || window.location.href)) {
          window.location.href = request.responseURL;
          return;
        }
        // Not accepted: the form comes back with its errors and an empty file input. Put the chosen
        // files back into it, and say so, so that the user need not choose them again.
        var chosen = input.files;
        var page = new DOMParser().parseFromString(request.responseText, "text/html");
        var main = page.querySelector("main");
        if (main) {
          document.querySelector("main").replaceWith(main);
          document.querySelectorAll("input[type=file][data-upload]").forEach(enhance);
          var again = main.querySelector("input[type=file][data-upload][name='" + input.name + "']");
          if (again && chosen.length) {
            again.files = chosen;
            again.dispatchEvent(new Event("change"));
            var notice = main.querySelector("[data-files-notice]");
            if (notice) {
              var names = Array.prototype.map.call(chosen, function (f) { return f.name; }).join("、");
              notice.textContent = again.dataset.kept.replace("%s", names);
              notice.classList.replace("alert-warning", "alert-info");
            }
          }
        }
      });
      request.addEventListener("error", function () { problems.textContent = messages.failed; });
      request.setRequestHeader("X-Rectify-Background", "1");
      progress.classList.remove("d-none");
      request.send(new FormData(form));
    });
  }

  document.querySelectorAll("input[type=file][data-upload]").forEach(enhance);
})();
