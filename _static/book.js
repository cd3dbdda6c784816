// Go beside trio: wrap each cell tagged pair-go and the pair-trio cell right after it in one
// div.go-trio-pair, which book.css lays out as two columns on wide pages.
document.addEventListener("DOMContentLoaded", () => {
  for (const go of document.querySelectorAll("div.cell.tag_pair-go")) {
    const trio = go.nextElementSibling;
    if (!trio || !trio.matches("div.cell.tag_pair-trio")) continue;
    const pair = document.createElement("div");
    pair.className = "go-trio-pair";
    go.before(pair);
    pair.append(go, trio);
  }
});

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
