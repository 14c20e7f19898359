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

// The language switcher keeps the reader's place: the anchor (#q1) goes along,
// since a translation keeps its source's anchors (hooks/kb/pairing.py).
document.addEventListener(
  "click",
  (event) => {
    const link = event.target.closest?.(".md-select__link[hreflang]");
    if (link && location.hash) link.hash = location.hash;
  },
  true,
);

// On a touch screen a tap on a glossary term shows its definition in place;
// a second tap on it, or the link in the box, opens the glossary. The
// definition is the link's title, kept before Material's tooltips take it
// (they run once the document has loaded, after this script).
const TOUCH = matchMedia("(hover: none)");
for (const term of document.querySelectorAll("a.kb-term[title]")) {
  term.dataset.kbDefinition = term.title;
}
// The glossary's name as the navigation gives it, in the page's language.
const GLOSSARY_NAME = document
  .querySelector('.md-tabs__link[href*="glossary/"], .md-nav__link[href*="glossary/"]')
  ?.textContent.trim();
let shownTerm = null;

function closeDefinition() {
  document.querySelector(".kb-definition")?.remove();
  shownTerm = null;
}

document.addEventListener(
  "click",
  (event) => {
    const term = event.target.closest?.("a.kb-term");
    if (!term) {
      if (!event.target.closest?.(".kb-definition")) closeDefinition();
      return;
    }
    const definition = term.dataset.kbDefinition;
    if (!TOUCH.matches || term === shownTerm || !definition) return;
    event.preventDefault();
    closeDefinition();
    const box = document.createElement("span");
    box.className = "kb-definition";
    box.setAttribute("role", "note");
    box.textContent = `${definition} `;
    const more = document.createElement("a");
    more.href = term.href;
    more.textContent = `${GLOSSARY_NAME || term.textContent} →`;
    box.append(more);
    term.after(box);
    shownTerm = term;
  },
  true,
);

// The glossary's filter: terms whose name or alias holds what is typed; a
// category with none left is hidden. Without JavaScript the field stays
// hidden and the index by initial serves.
const FILTER = document.querySelector("input.kb-filter");
if (FILTER) {
  const entries = [...document.querySelectorAll(".kb-entry")].map((entry) => [
    entry,
    [entry.querySelector("h3"), entry.querySelector(".kb-aliases")]
      .map((part) => part?.textContent ?? "")
      .join(" ")
      .toLowerCase(),
  ]);
  const none = document.createElement("p");
  none.className = "kb-no-match";
  none.hidden = true;
  none.textContent = FILTER.dataset.none ?? "";
  FILTER.after(none);
  FILTER.hidden = false;
  FILTER.addEventListener("input", () => {
    const query = FILTER.value.trim().toLowerCase();
    let shown = 0;
    for (const [entry, names] of entries) {
      entry.hidden = query !== "" && !names.includes(query);
      if (!entry.hidden) shown += 1;
    }
    for (const category of document.querySelectorAll(".kb-category")) {
      category.hidden = !category.querySelector(".kb-entry:not([hidden])");
    }
    document.querySelector(".kb-index").hidden = query !== "";
    none.hidden = shown > 0;
  });
}
