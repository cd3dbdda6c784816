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
