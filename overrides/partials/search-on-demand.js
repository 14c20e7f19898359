// The search index stays out of a page's first load: on a phone it is most
// of a first visit's bytes (hundreds of kilobytes for a large archive).
// Material requests it with XMLHttpRequest as soon as its script runs; that
// request is held back until the page has loaded (so the first search
// answers at once, as Material's would: waiting for the browser to be idle
// as well left a phone's index still loading when a reader, on a page
// loaded seconds before, began to type), or earlier if
// the reader reaches for search: the search field gets focus (by a tap, a
// click or Material's keyboard shortcuts), the pointer rests on the search
// button, or the page opens with a search query (?q=). A reader whose
// browser asks to save data (Save-Data) gets it only on reaching for search.
(() => {
  const INDEX = /\/search\/search_index\.json$/;
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const held = [];
  let wanted = new URLSearchParams(location.search).has("q");

  function want() {
    if (wanted) return;
    wanted = true;
    for (const [request, body] of held.splice(0)) send.apply(request, body);
  }

  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.kbSearchIndex = INDEX.test(String(url));
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...body) {
    if (this.kbSearchIndex && !wanted) {
      held.push([this, body]);
      return;
    }
    return send.apply(this, body);
  };

  document.addEventListener("focusin", (event) => {
    if (event.target.closest?.(".md-search")) want();
  });
  document.addEventListener("pointerover", (event) => {
    if (event.target.closest?.("label[for='__search'], .md-search")) want();
  });
  document.addEventListener("change", (event) => {
    if (event.target.id === "__search") want();
  });
  if (!navigator.connection?.saveData) {
    // Once the load event is over: nothing of the first load waits for it.
    addEventListener("load", () => setTimeout(want, 0), { once: true });
  }
})();
