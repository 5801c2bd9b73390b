"""The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts,
no fonts or images from the network, so it can be forwarded and opened anywhere.

It reads at a phone's width (390 px: no sideways scrolling) as at a desk's; its landmarks
(header, main, a labelled section per part) and each chart's text alternative (a ``<title>``
and a ``<desc>`` holding the chart's numbers) are there for a screen reader; and no chart
relies on colour alone (signs on the plan grid, a hatch for the quota's bars)."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from ecomops.render.document import (
    SIGNS,
    Mark,
    Pct,
    Score,
    limit_text,
    num,
    report_labels,
    sections,
    subtitle,
    text,
    title,
    week_label,
)
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
padding-bottom:.2rem;margin-top:2rem}.sub{color:#52606d;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1rem}th,td{border:1px solid #e4e7eb;
padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f5f7fa}td.n{text-align:right;white-space:nowrap}
.note{color:#3e4c59}figure{margin:1rem 0}figcaption{font-size:.9rem;color:#52606d}
svg{max-width:100%;height:auto}
@media (max-width:40rem){body{margin:1rem auto;padding:0 .5rem}
th,td{padding:.2rem .3rem;font-size:.8rem}td.w{overflow-wrap:anywhere}
.mw{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}}
.nw{white-space:nowrap}.tw{overflow-x:auto;max-width:100%}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""

COLORS = {
    "on_time": "#3ebd93",
    "late": "#f0b429",
    "missing": "#e12d39",
    "open": "#cbd2d9",
    "on_leave": "#9fb3c8",
    "not_expected": "#f5f7fa",
    "actual": "#2186eb",
    "quota": "#9aa5b1",
}


def _grade_chart(r: ReportOut) -> str:
    """Each grade's share (solid) against its quota share (hatched, so the two differ without
    colour), the values written on the bars, and under each grade the quota's limit for its
    group as a count (A+B ≤ 4): the same numbers as the table, also as the chart's text."""
    a = r.appraisal
    if a is None or not a.distribution:
        return ""
    L = report_labels(r.lang)
    w, h, pad, bar = 560, 250, 40, 26
    top = max(
        [float(d.share) for d in a.distribution]
        + [float(d.quota_share) for d in a.distribution]
        + [1.0]
    )
    step = (w - 2 * pad) / len(a.distribution)
    chart_h = h - 2 * pad - 24
    desc = "; ".join(
        L["grade_chart_desc"].format(
            grade=d.grade,
            count=d.count,
            n=a.complete,
            share=num(d.share),
            quota=num(d.quota_share),
        )
        + ("" if d.limit is None else f" · {limit_text(d, a.complete, a.strict, L)}")
        for d in a.distribution
    )
    parts = [
        f'<svg role="img" aria-labelledby="grade-chart-title grade-chart-desc" id="grade-chart" '
        f'xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}">'
        f'<title id="grade-chart-title">{escape(L["distribution"])}</title>'
        f'<desc id="grade-chart-desc">{escape(desc)}</desc>'
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="3" height="6" fill="{COLORS["quota"]}"/></pattern></defs>'
    ]
    base = pad + 24 + chart_h
    parts.append(f'<line x1="{pad}" y1="{base}" x2="{w - pad}" y2="{base}" stroke="#52606d"/>')
    for i, d in enumerate(a.distribution):
        x = pad + i * step + step / 2
        for j, (value, fill, label) in enumerate(
            (
                (float(d.share), COLORS["actual"], text(Pct(d.share))),
                (float(d.quota_share), "url(#hatch)", text(Pct(d.quota_share))),
            )
        ):
            bh = chart_h * value / top
            bx = x - bar + j * bar
            parts.append(
                f'<rect class="bar" x="{bx:.1f}" y="{base - bh:.1f}" width="{bar - 2}" '
                f'height="{bh:.1f}" fill="{fill}" stroke="#52606d" stroke-width="0.5"/>'
                f'<text x="{bx + bar / 2 - 1:.1f}" y="{base - bh - 4:.1f}" '
                f'text-anchor="middle" font-size="11">{escape(label)}</text>'
            )
        parts.append(
            f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle" font-size="13" '
            f'font-weight="bold">{escape(d.grade)} · {d.count}/{a.complete}</text>'
        )
        if d.limit is not None:
            parts.append(
                f'<text x="{x:.1f}" y="{base + 32}" text-anchor="middle" '
                f'font-size="11">{escape(d.group)} ≤ {d.limit}</text>'
            )
    parts.append(
        f'<rect x="{pad}" y="6" width="12" height="12" fill="{COLORS["actual"]}"/>'
        f'<text x="{pad + 17}" y="16" font-size="12">{escape(L["share"])}</text>'
        f'<rect x="{pad + 140}" y="6" width="12" height="12" fill="url(#hatch)" '
        f'stroke="#52606d" stroke-width="0.5"/>'
        f'<text x="{pad + 157}" y="16" font-size="12">{escape(L["quota"])}</text>'
    )
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{escape(L['distribution'])}</figcaption></figure>"


def _text_px(text: str, size: int) -> float:
    """About how wide ``text`` is at ``size`` pixels: a Chinese character a full em, a Latin
    one some six tenths of it."""
    import unicodedata

    return sum(size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6) for ch in text)


#: the most members the plan chart draws; a larger group's compliance is its table alone
CHART_MAX_MEMBERS = 200


def _plan_chart(r: ReportOut) -> str:
    """Plan compliance as a grid: a row per member, a column per week (and the month-end
    summary), each cell coloured and marked with its status's sign, so it reads without
    colour; the legend pairs sign, colour and word."""
    members = r.plans.members
    if not members or len(members) > CHART_MAX_MEMBERS:
        # a grid of thousands of rows is a picture nobody reads (at 100,000 members, an SVG
        # 2.6 million pixels tall, most of the page's 1.2 GB): the table below has the same
        # signs, a row a member
        return ""
    L = report_labels(r.lang)
    weeks = r.plans.weeks
    cols = [week_label(wk, r.lang) for wk in weeks] + [L["month_end"]]
    row_h, label_w, cell_w = 26, 110, 58
    # each column as wide as its head (the month-end summary's is the longest)
    widths = [max(cell_w, _text_px(c, 12) + 12) for c in cols]
    xs = [label_w + sum(widths[:j]) for j in range(len(cols))]
    w = label_w + sum(widths) + 10
    top = 34
    legend_y = top + row_h * len(members) + 12
    h = legend_y + 40
    desc = "; ".join(
        L["plan_chart_desc"].format(
            name=m.name,
            counts=", ".join(
                f"{week_label(wk, r.lang)} {L.get(m.weeks.get(wk, 'not_expected'))}" for wk in weeks
            )
            + f", {L['month_end']} {L.get(m.month_end)}",
        )
        for m in members
    )
    parts = [
        f'<svg role="img" aria-labelledby="plan-chart-title plan-chart-desc" id="plan-chart" '
        f'xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}">'
        f'<title id="plan-chart-title">{escape(L["compliance"])}</title>'
        f'<desc id="plan-chart-desc">{escape(desc)}</desc>'
    ]
    for j, c in enumerate(cols):
        parts.append(
            f'<text x="{xs[j] + widths[j] / 2:.1f}" y="{top - 10}" text-anchor="middle" '
            f'font-size="12" font-weight="bold">{escape(c)}</text>'
        )
    for i, m in enumerate(members):
        y = top + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" '
            f'font-size="12">{escape(m.name)}</text>'
        )
        statuses = [m.weeks.get(wk, "not_expected") for wk in weeks] + [m.month_end]
        for j, st in enumerate(statuses):
            x = xs[j]
            parts.append(
                f'<rect class="bar" x="{x + 2:.1f}" y="{y + 2}" width="{widths[j] - 4:.1f}" '
                f'height="{row_h - 4}" fill="{COLORS.get(st, "#ffffff")}" stroke="#9aa5b1" '
                f'stroke-width="0.5"/>'
                f'<text x="{x + widths[j] / 2:.1f}" y="{y + 18}" text-anchor="middle" '
                f'font-size="14" font-weight="bold">{escape(SIGNS.get(st, "?"))}</text>'
            )
    lx = 4.0
    for k, sign in SIGNS.items():
        parts.append(
            f'<rect x="{lx}" y="{legend_y}" width="18" height="18" fill="{COLORS[k]}" '
            f'stroke="#9aa5b1" stroke-width="0.5"/>'
            f'<text x="{lx + 9}" y="{legend_y + 14}" text-anchor="middle" font-size="12" '
            f'font-weight="bold">{escape(sign)}</text>'
            f'<text x="{lx + 22}" y="{legend_y + 14}" font-size="12">{escape(L[k])}</text>'
        )
        lx += 22 + _text_px(L[k], 12) + 16
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{escape(L['compliance'])}</figcaption></figure>"


def _td(cell, wraps: bool, lang: str = "en") -> str:
    """A cell: numbers to the right, a date (and a time) never broken inside, long text
    (``wraps``) broken anywhere on a narrow screen, a plan status as its sign and word."""
    if isinstance(cell, int | Decimal | Pct | Score) and not isinstance(cell, bool):
        return f'<td class="n">{escape(text(cell, lang))}</td>'
    if isinstance(cell, date):
        return (
            "<td>"
            + " ".join(
                f'<span class="nw">{escape(part)}</span>' for part in text(cell, lang).split(" ")
            )
            + "</td>"
        )
    if isinstance(cell, Mark) and cell.code != "not_expected":
        return (
            f'<td><span aria-hidden="true">{escape(cell.sign)}</span> '
            f'<span class="mw">{escape(cell.label)}</span></td>'
        )
    return (
        f'<td class="w">{escape(text(cell, lang))}</td>'
        if wraps
        else f"<td>{escape(text(cell, lang))}</td>"
    )


def render(r: ReportOut) -> str:
    return "".join(pieces(r))


def pieces(r: ReportOut) -> Iterator[str]:
    """The page in pieces, a section's table a few thousand rows at a time: a report of
    100,000 people is written as it is made, never held whole."""
    lang = "en" if r.lang == "en" else ("zh-Hans" if r.lang == "zh-hans" else "zh-Hant")
    yield (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title(r))}</title><style>{CSS}</style></head><body>"
    )
    body = [
        f'<header><h1>{escape(title(r))}</h1><p class="sub">{escape(subtitle(r))}</p></header>',
        "<main>",
    ]
    for s in sections(r):
        body.append(
            f'<section id="{s.id}" aria-labelledby="h-{s.id}">'
            f'<h2 id="h-{s.id}">{escape(s.title)}</h2>'
        )
        for n in s.notes:
            body.append(f'<p class="note">{escape(n)}</p>')
        if s.id == "plans":
            body.append(_plan_chart(r))
        if s.id == "appraisal":
            body.append(_grade_chart(r))
        for t in s.tables:
            # a table wider than a phone scrolls inside its own box, never the page
            body.append(
                '<div class="tw" tabindex="0">'
                "<table><thead><tr>"
                + "".join(f'<th scope="col">{escape(h)}</th>' for h in t.headers)
                + "</tr></thead><tbody>"
            )
            for row in t.rows:
                body.append(
                    "<tr>"
                    + "".join(_td(c, i in t.wrap, r.lang) for i, c in enumerate(row))
                    + "</tr>"
                )
                if len(body) >= _CHUNK:
                    yield "".join(body)
                    body.clear()
            body.append("</tbody></table></div>")
        body.append("</section>")
    body.append("</main></body></html>\n")
    yield "".join(body)


#: rows of the page made before they are handed on
_CHUNK = 2000
