/* The import's progress bar. When a form marked data-import-progress is submitted, the page keeps
   showing while the server works; this shows the form's progress box and asks the server every
   second how far the import has got, until the answer says it is finished (data-finished) or the
   next page arrives. A box marked data-progress-autostart (the page of an import running as a job)
   is polled from the start, and one marked data-reload-when-finished reloads the page when the job
   is done, which then shows its outcome. The request carries no cookies, so it never waits on a
   session save while the import holds the database (see rectify/exchange/progress.py). No inline
   script is needed: everything is read from data attributes. */
(function () {
  "use strict";

  var DELAY = 1000;

  function poll(box, url) {
    window
      .fetch(url, { credentials: "omit", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          box.innerHTML = html;
        }
        if (!box.querySelector("[data-finished]")) {
          window.setTimeout(function () {
            poll(box, url);
          }, DELAY);
        } else if (box.hasAttribute("data-reload-when-finished")) {
          window.setTimeout(function () {
            window.location.reload();
          }, DELAY / 2);
        }
      })
      .catch(function () {
        window.setTimeout(function () {
          poll(box, url);
        }, DELAY * 2);
      });
  }

  function start(form) {
    var box = document.getElementById(form.getAttribute("data-progress-target"));
    if (!box || !window.fetch) {
      return;
    }
    box.hidden = false;
    window.setTimeout(function () {
      var buttons = form.querySelectorAll("button[type=submit]");
      for (var i = 0; i < buttons.length; i += 1) {
        buttons[i].disabled = true;
      }
    }, 0);
    poll(box, box.getAttribute("data-progress-url"));
  }

  function autostart() {
    var boxes = document.querySelectorAll("[data-progress-autostart]");
    for (var i = 0; i < boxes.length; i += 1) {
      poll(boxes[i], boxes[i].getAttribute("data-progress-url"));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autostart);
  } else {
    autostart();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.hasAttribute && form.hasAttribute("data-import-progress")) {
      start(form);
    }
  });
})();
