// Material's search overlay is a dialog without a name (axe: aria-dialog-name).
// Name it after its search field, whose label Material translates.
for (const dialog of document.querySelectorAll(".md-search[role=dialog]")) {
  const field = dialog.querySelector("input[aria-label]");
  if (field && !dialog.hasAttribute("aria-label")) {
    dialog.setAttribute("aria-label", field.getAttribute("aria-label"));
  }
}

// The search index breaks Chinese words with spaces (hooks/kb/searchindex.py):
// a third smaller than Material's zero-width spaces. Results show the text
// as written, without the spaces between two Chinese characters.
const HAN = /\p{Script=Han}/u;
const BETWEEN_HAN = /(?<=\p{Script=Han}) (?=\p{Script=Han})/gu;

function joinChineseWords(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  texts.forEach((node, index) => {
    let text = node.data.replace(BETWEEN_HAN, "");
    const before = texts[index - 1]?.data.at(-1) ?? "";
    const after = texts[index + 1]?.data.at(0) ?? "";
    if (text.startsWith(" ") && HAN.test(before) && HAN.test(text.charAt(1))) {
      text = text.slice(1);
    }
    if (text.endsWith(" ") && HAN.test(after) && HAN.test(text.at(-2) ?? "")) {
      text = text.slice(0, -1);
    }
    if (text !== node.data) node.data = text;
  });
}

for (const list of document.querySelectorAll(".md-search-result__list")) {
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const added of change.addedNodes) {
        if (added.nodeType === Node.ELEMENT_NODE) joinChineseWords(added);
      }
    }
  }).observe(list, { childList: true, subtree: true });
}
