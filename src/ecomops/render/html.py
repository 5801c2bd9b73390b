"""The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts,
no fonts or images from the network, so it can be forwarded and opened anywhere."""

from __future__ import annotations

import html

from ecomops.render.document import sections, subtitle, title
from ecomops.render.labels import labels
from ecomops.text import safe
from ecomops.views import ReportOut


def escape(text: str) -> str:
    """``text`` as HTML text: markup shown, not run (``<script>`` → ``&lt;script&gt;``), and
    control characters shown (text.safe: ESC → ␛)."""
    return html.escape(safe(text))


CSS = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif;
margin:2rem auto;max-width:60rem;color:#1f2933;line-height:1.5;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:2px solid #e4e7eb;
padding-bottom:.2rem;margin-top:2rem}.sub{color:#616e7c;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem}th,td{border:1px solid #e4e7eb;
padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f5f7fa}td.n{text-align:right}.note{color:#3e4c59}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#616e7c}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""

COLORS = {
    "on_time": "#3ebd93",
    "late": "#f0b429",
    "missing": "#e12d39",
    "open": "#9aa5b1",
    "actual": "#2186eb",
    "quota": "#cbd2d9",
}


def _grade_chart(r: ReportOut) -> str:
    a = r.appraisal
    if a is None or not a.distribution:
        return ""
    L = labels(r.lang)
    w, h, pad, bar = 520, 220, 40, 22
    top = max(
        [float(d.share) for d in a.distribution]
        + [float(d.quota_share) for d in a.distribution]
        + [1.0]
    )
    step = (w - 2 * pad) / len(a.distribution)
    parts = [
        f'<svg role="img" aria-label="{escape(L["distribution"])}" id="grade-chart" '
        f'xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}">'
    ]
    parts.append(
        f'<line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="#9aa5b1"/>'
    )
    for i, d in enumerate(a.distribution):
        x = pad + i * step + step / 2
        for j, (value, color, label) in enumerate(
            (
                (float(d.share), COLORS["actual"], f"{d.count}"),
                (float(d.quota_share), COLORS["quota"], f"{d.quota_share}%"),
            )
        ):
            bh = (h - 2 * pad) * value / top
            bx = x - bar + j * bar
            parts.append(
                f'<rect class="bar" x="{bx:.1f}" y="{h - pad - bh:.1f}" width="{bar - 2}" '
                f'height="{bh:.1f}" fill="{color}"><title>{escape(d.grade)}: '
                f"{escape(label)}</title></rect>"
            )
        parts.append(
            f'<text x="{x:.1f}" y="{h - pad + 16}" text-anchor="middle" '
            f'font-size="13">{escape(d.grade)}</text>'
        )
    parts.append(
        f'<rect x="{w - 150}" y="8" width="12" height="12" fill="{COLORS["actual"]}"/>'
        f'<text x="{w - 133}" y="18" font-size="12">{escape(L["share"])}</text>'
        f'<rect x="{w - 80}" y="8" width="12" height="12" fill="{COLORS["quota"]}"/>'
        f'<text x="{w - 63}" y="18" font-size="12">{escape(L["quota"])}</text>'
    )
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{escape(L['distribution'])}</figcaption></figure>"


def _plan_chart(r: ReportOut) -> str:
    members = r.plans.members
    if not members:
        return ""
    L = labels(r.lang)
    row_h, label_w, w = 24, 140, 520
    h = row_h * len(members) + 30
    kinds = ("on_time", "late", "missing", "open")
    parts = [
        f'<svg role="img" aria-label="{escape(L["compliance"])}" id="plan-chart" '
        f'xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}">'
    ]
    for i, m in enumerate(members):
        total = sum(getattr(m, k) for k in kinds) or 1
        y = 4 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" '
            f'font-size="12">{escape(m.name)}</text>'
        )
        x = float(label_w)
        for k in kinds:
            n = getattr(m, k)
            if not n:
                continue
            bw = (w - label_w - 10) * n / total
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{bw:.1f}" '
                f'height="{row_h - 6}" fill="{COLORS[k]}"><title>{escape(L[k])}: {n}'
                f"</title></rect>"
            )
            x += bw
    lx = label_w
    for k in kinds:
        parts.append(
            f'<rect x="{lx}" y="{h - 18}" width="12" height="12" fill="{COLORS[k]}"/>'
            f'<text x="{lx + 16}" y="{h - 8}" font-size="12">{escape(L[k])}</text>'
        )
        lx += 90
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{escape(L['compliance'])}</figcaption></figure>"


def render(r: ReportOut) -> str:
    lang = "en" if r.lang == "en" else ("zh-Hans" if r.lang == "zh-hans" else "zh-Hant")
    body = [f"<h1>{escape(title(r))}</h1>", f'<p class="sub">{escape(subtitle(r))}</p>']
    for s in sections(r):
        body.append(f'<section id="{s.id}"><h2>{escape(s.title)}</h2>')
        for n in s.notes:
            body.append(f'<p class="note">{escape(n)}</p>')
        if s.id == "plans":
            body.append(_plan_chart(r))
        if s.id == "appraisal":
            body.append(_grade_chart(r))
        for t in s.tables:
            body.append(
                "<table><thead><tr>"
                + "".join(f"<th>{escape(h)}</th>" for h in t.headers)
                + "</tr></thead><tbody>"
            )
            for row in t.rows:
                body.append(
                    "<tr>"
                    + "".join(
                        f'<td class="n">{escape(c)}</td>'
                        if c.replace(".", "").replace("%", "").replace("/", "").isdigit()
                        else f"<td>{escape(c)}</td>"
                        for c in row
                    )
                    + "</tr>"
                )
            body.append("</tbody></table>")
        body.append("</section>")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title(r))}</title><style>{CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )
