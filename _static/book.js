// Go beside trio: wrap each cell tagged pair-go and the pair-trio cell right after it in one
// div.go-trio-pair, which book.css lays out as two columns on wide pages. The pair runs into the
// right-hand margin, under the sticky "Contents" sidebar, so it is also marked full-width:
// sphinx-book-theme folds that sidebar while full-width content is on screen. The theme looks for
// such content on DOMContentLoaded, so the pairs are made earlier, as soon as the page is parsed.
function pairGoWithTrio() {
  for (const go of document.querySelectorAll("div.cell.tag_pair-go")) {
    const trio = go.nextElementSibling;
    if (!trio || !trio.matches("div.cell.tag_pair-trio")) continue;
    const pair = document.createElement("div");
    pair.className = "go-trio-pair full-width";
    go.before(pair);
    pair.append(go, trio);
  }
}
if (document.readyState === "loading") {
  document.addEventListener("readystatechange", pairGoWithTrio, { once: true });  // fires at "interactive"
} else {
  pairGoWithTrio();
}

// Every chapter page offers the archive that runs it (book/archive.py writes it beside the site).
document.addEventListener("DOMContentLoaded", () => {
  const article = document.querySelector("article.bd-article");
  if (!article || !article.querySelector("div.cell")) return;  // notebooks only
  const root = document.documentElement.dataset.content_root || "../";
  const note = document.createElement("p");
  note.className = "run-locally";
  note.innerHTML = `<a href="${root}go-trio-book.zip" download>Run this chapter locally</a>: ` +
    "unzip it, then <code>python3 -m book lab</code> in the folder it makes.";
  const title = article.querySelector("h1");
  (title || article.firstElementChild).after(note);
});

// Inline code in tables may break inside a word (book.css): offer the places a reader expects, after
// a dot, an underscore, an opening bracket or a comma, so "trio.open_memory_channel(0)" breaks as
// "trio.open_memory_" / "channel(0)" rather than at whatever letter the column ends on.
document.addEventListener("DOMContentLoaded", () => {
  for (const pre of document.querySelectorAll(".bd-article table code span.pre")) {
    const text = pre.textContent;
    if (text.length < 12 || !/[._(,]/.test(text)) continue;
    pre.replaceChildren(...text.split(/(?<=[._(,])/).flatMap((part, i) => i ? [document.createElement("wbr"), part] : [part]));
  }
});

// On a phone a figure shrinks to the column's width, to about half its size: a tap opens it whole.
document.addEventListener("DOMContentLoaded", () => {
  for (const img of document.querySelectorAll("div.cell_output img")) {
    if (img.closest("a")) continue;
    const link = document.createElement("a");
    link.href = img.src;
    link.title = "Open the figure at full size";
    img.before(link);
    link.append(img);
  }
});
