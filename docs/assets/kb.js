// Material's search overlay is a dialog without a name (axe: aria-dialog-name).
// Name it after its search field, whose label Material translates.
for (const dialog of document.querySelectorAll(".md-search[role=dialog]")) {
  const field = dialog.querySelector("input[aria-label]");
  if (field && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", field.getAttribute("aria-label"));
  }
}
