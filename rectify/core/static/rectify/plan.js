// The plan form: warns as soon as the planned completion date falls after the deadline, which then
// needs a delay explanation (the server refuses the plan without one).
(function () {
  "use strict";
  document.querySelectorAll("input[data-deadline]").forEach(function (input) {
    var warning = document.createElement("div");
    warning.className = "alert alert-warning py-1 px-2 mt-1 mb-0 small d-none";
    warning.setAttribute("role", "alert");
    warning.setAttribute("data-testid", "plan-late-warning");
    warning.textContent = input.dataset.late;
    input.insertAdjacentElement("afterend", warning);
    function check() {
      // ISO dates (YYYY-MM-DD) compare as strings.
      warning.classList.toggle("d-none", !(input.value && input.value > input.dataset.deadline));
    }
    input.addEventListener("input", check);
    input.addEventListener("change", check);
    check();
  });
})();
