// Small progressive enhancements; every page works without this file.
// Side by side: click a row to pin it (handy when reading long alignments).
document.addEventListener("click", function (ev) {
  var row = ev.target instanceof Element ? ev.target.closest("table.sbs tr.row") : null;
  if (!row || ev.target.closest("a")) return;
  row.classList.toggle("pinned");
});
