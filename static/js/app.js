// Care Pledge: start the NHS.UK frontend components. Pages work without this script;
// it adds the live character and word counts, error summary focus and the menu.
// (The stock page template sets these classes with an inline script, which our
// Content Security Policy does not allow, so this module does it.)
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// On a phone a chart's labels are too small to read, so the chart is hidden (app.css) and its
// table, folded away on wide screens, is opened instead.
if (window.matchMedia("(max-width: 40em)").matches) {
  for (const details of document.querySelectorAll("details[data-open-when-narrow]")) {
    details.open = true;
  }
}

// "Select all" for lists of checkboxes (the moderation queue): hidden without JavaScript,
// where each item is ticked by hand.
for (const all of document.querySelectorAll("input[data-select-all]")) {
  const boxes = () => document.querySelectorAll(`input[name="${all.dataset.selectAll}"]`);
  all.closest("[hidden]")?.removeAttribute("hidden");
  all.addEventListener("change", () => {
    for (const box of boxes()) box.checked = all.checked;
  });
  for (const box of boxes()) {
    box.addEventListener("change", () => {
      all.checked = [...boxes()].every((b) => b.checked);
    });
  }
}
