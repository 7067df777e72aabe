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

// The pledge wall's filters are folded on phones, so pledges come first; on wider screens
// (the NHS.UK desktop breakpoint) they start open beside the results.
if (window.matchMedia("(min-width: 48.0625em)").matches) {
  for (const details of document.querySelectorAll("details[data-open-wide]")) details.open = true;
}

// Sharing a pledge: "Copy link" where the clipboard can be written, and "Share" where the
// device has a share sheet. Both stay hidden without JavaScript; the plain links still work.
for (const actions of document.querySelectorAll("[data-share-url]")) {
  const url = actions.dataset.shareUrl;
  const text = actions.dataset.shareText || "";
  const title = actions.dataset.shareTitle || document.title;
  const status = document.querySelector("[data-share-status]");
  const say = (words) => {
    if (status) status.textContent = words;
  };
  const copy = actions.querySelector("[data-share-copy]");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", () => {
      navigator.clipboard.writeText(url).then(
        () => say("Link copied. You can paste it into a message or post."),
        () => say("The link could not be copied. Copy it from the box below."),
      );
    });
  }
  const share = actions.querySelector("[data-share-native]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", () => {
      navigator.share({ title, text, url }).catch(() => {});
    });
  }
  if ((copy && !copy.hidden) || (share && !share.hidden)) actions.hidden = false;
}
