// Suggest directory organisations in the organisation box as people type. Without this
// script the box is a plain text box and the server matches what was typed, so nothing
// here is needed to link an organisation: it only saves typing and spelling mistakes.
const WAIT_MS = 250;

for (const list of document.querySelectorAll("datalist[data-lookup-url]")) {
  const input = document.querySelector(`input[list="${list.id}"]`);
  if (!input) continue;
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      try {
        const response = await fetch(`${list.dataset.lookupUrl}?q=${encodeURIComponent(q)}`, {
          headers: { Accept: "application/json" },
        });
        if (!response.ok || q !== input.value.trim()) return;
        const { suggestions } = await response.json();
        list.replaceChildren(
          ...suggestions.map((label) => {
            const option = document.createElement("option");
            option.value = label;
            return option;
          }),
        );
      } catch {
        // Offline or a slow network: the box still works as plain text.
      }
    }, WAIT_MS);
  });
}
