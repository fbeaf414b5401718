"""The self-contained HTML page: sortable table, embedded chart, no network needed.

The inline script makes the header cells sort the rows, then checks itself once
on load (sorts by every column both ways and back, counting rows) and records the
outcome in ``<body data-selfcheck="ok rows=N">``, so a headless browser's
``--dump-dom`` shows that the script ran without error and kept every row.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fcbench.analysis.leaderboard.table import Board
from fcbench.analysis.leaderboard.text import PARTIAL_NOTE, cell_text, partial, pct, source_label, unscored_mark

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
h1 { font-size: 1.3rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; }
th[aria-sort="descending"]::after { content: " ▼"; }
td:first-child, th:first-child { text-align: left; }
td small { color: #666; }
figure { margin: 2rem 0; max-width: 900px; }
figure svg { width: 100%; height: auto; }
.meta, .sources { color: #555; font-size: 0.85rem; }
"""

SCRIPT = """
(function () {
  var table = document.getElementById("board");
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  function key(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell.getAttribute("data-value");
    if (!numeric) { return (raw === null ? cell.textContent : raw).toLowerCase(); }
    var x = parseFloat(raw);
    return isNaN(x) ? -Infinity : x;
  }
  function sortBy(col, descending) {
    var numeric = headers[col].getAttribute("data-type") === "num";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ka = key(a, col, numeric), kb = key(b, col, numeric);
      var c = ka < kb ? -1 : ka > kb ? 1 : 0;
      if (c === 0) { c = a.getAttribute("data-order") - b.getAttribute("data-order"); return c; }
      return descending ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var i = 0; i < headers.length; i++) { headers[i].removeAttribute("aria-sort"); }
    headers[col].setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  Array.prototype.forEach.call(headers, function (th, col) {
    th.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      var current = th.getAttribute("aria-sort");
      sortBy(col, current ? current === "ascending" : numeric);
    });
  });
  var expected = body.rows.length;
  for (var col = 0; col < headers.length; col++) {
    sortBy(col, false);
    sortBy(col, true);
    if (body.rows.length !== expected) { throw new Error("sorting lost rows"); }
  }
  sortBy(0, false);
  headers[0].removeAttribute("aria-sort");
  document.body.setAttribute("data-selfcheck", "ok rows=" + body.rows.length);
})();
"""


def render_html(board: Board, chart_svg: str, out_dir: Path) -> str:
    head = ['<th data-type="text" scope="col">model</th>']
    head += [f'<th data-type="num" scope="col">{escape(t)}</th>' for t in board.tasks]
    head += [f'<th data-type="text" scope="col">{h}</th>'
             for h in ("mode", "date", "fcbench", "suite", "data version")]
    rows = []
    for order, e in enumerate(board.entries):
        cells = [f"<td>{escape(e.model)}</td>"]
        for t in board.tasks:
            c = e.cells.get(t)
            if c is None or c.score is None:
                cells.append('<td data-value="">—</td>')
                continue
            ci = f" <small>[{pct(c.ci[0])}–{pct(c.ci[1])}]</small>" if c.ci else ""
            cells.append(f'<td data-value="{c.score:.6f}" title="{escape(cell_text(c))} · n {c.n}">'
                         f"{pct(c.score)}{ci}<br><small>n {c.n}{unscored_mark(c)}</small></td>")
        cells += [f"<td>{escape(x)}</td>" for x in (e.mode, e.date, e.fcbench_version, e.suite, e.data_version)]
        rows.append(f'<tr data-order="{order}" data-model="{escape(e.model)}">' + "".join(cells) + "</tr>")
    sources = "".join(f"<li><code>{escape(source_label(e.source, out_dir))}</code> ({escape(e.model)})</li>"
                      for e in board.entries)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{escape(board.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{escape(board.title)}</h1>
<p class="meta">Main score per sub-task (strict pass rate, %) with its 95 % confidence interval and the
number of scored samples n. No umbrella score: the sub-tasks measure different skills.
Click a column header to sort.</p>
<table id="board">
<thead><tr>{"".join(head)}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>{f"{chr(10)}<p class='meta'>{escape(PARTIAL_NOTE)}</p>" if partial(board) else ""}
<figure>
{chart_svg}
<figcaption class="meta">Main score per sub-task and model; whiskers show the 95 % confidence interval.</figcaption>
</figure>
<p class="sources">Built by <code>fcbench leaderboard build</code> from:</p>
<ul class="sources">{sources}</ul>
<script>{SCRIPT}</script>
</body>
</html>
"""
