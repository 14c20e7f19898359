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
// (they take it on hover or focus; keepDefinitions runs as each page is
// shown, below).
const TOUCH = matchMedia("(hover: none)");
let shownTerm = null;

function keepDefinitions() {
  for (const term of document.querySelectorAll("a.kb-term[title]")) {
    term.dataset.kbDefinition = term.title;
  }
  shownTerm = null;
}

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
    // Material's instant navigation follows a link clicked anywhere in the
    // body, prevented or not: the first tap must not reach it.
    event.stopPropagation();
    closeDefinition();
    // The glossary's name as the navigation gives it, in the page's language.
    const glossaryName = document
      .querySelector('.md-tabs__link[href*="glossary/"], .md-nav__link[href*="glossary/"]')
      ?.textContent.trim();
    const box = document.createElement("span");
    box.className = "kb-definition";
    box.setAttribute("role", "note");
    box.textContent = `${definition} `;
    const more = document.createElement("a");
    more.href = term.href;
    more.textContent = `${glossaryName || term.textContent} →`;
    box.append(more);
    term.after(box);
    shownTerm = term;
  },
  true,
);

// The glossary's filter: terms whose name or alias holds what is typed; a
// category with none left is hidden. Without JavaScript the field stays
// hidden and the index by initial serves.
function setUpFilter() {
  const field = document.querySelector("input.kb-filter");
  if (!field) return;
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
  none.textContent = field.dataset.none ?? "";
  field.after(none);
  field.hidden = false;
  field.addEventListener("input", () => {
    const query = field.value.trim().toLowerCase();
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

// The language switcher in the header stays when Material's instant
// navigation replaces the page's content below it (mkdocs.yml); the page's
// hreflang links in <head> are replaced with the page. Each switcher link
// takes the path of its language's link, on the host serving the page (a
// preview, mkdocs serve). Not on the first page, whose links the build wrote
// relative, right also from a copy of the site opened as files.
function pointSwitcherAtPage() {
  for (const alternate of document.head.querySelectorAll("link[hreflang]")) {
    const link = document.querySelector(`.md-select__link[hreflang="${alternate.hreflang}"]`);
    if (link) link.href = new URL(new URL(alternate.href).pathname, location.href).href;
  }
}

// Material's document$ emits the first page once it has loaded and each page
// an instant navigation shows; this script itself runs once.
let firstPage = true;
document$.subscribe(() => {
  keepDefinitions();
  setUpFilter();
  if (!firstPage) pointSwitcherAtPage();
  firstPage = false;
});
