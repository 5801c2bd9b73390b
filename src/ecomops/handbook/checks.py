"""The manual's own inconsistencies, found in the data (``ecomops manual check`` lists them,
with the section of the manual each one is in).

These are warnings, not errors: the file is usable, and the tool says how it handles each one.
The inconsistencies that the data cannot show are recorded in the file's ``errata`` list and
reported with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecomops.handbook.model import ACTIONS, RELATIONS, Manual, Text


@dataclass(frozen=True)
class Finding:
    id: str
    section: str
    text: Text


def _t(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


def inconsistencies(m: Manual) -> list[Finding]:
    out: list[Finding] = []
    ap = m.appraisal
    defined = [g.id for g in ap.grades]
    undefined = [g for g in ap.declared_levels if g not in defined]
    if undefined:
        out.append(
            Finding(
                "undefined_grades",
                "6.2",
                _t(
                    f"§6.2 稱績效考核級別分為{'、'.join(ap.declared_levels)}"
                    f"{len(ap.declared_levels)}級,但只定義了{'、'.join(defined)};"
                    f"本工具只使用已定義的級別。",
                    f"§6.2 names {len(ap.declared_levels)} grades "
                    f"({', '.join(ap.declared_levels)}) but defines only {', '.join(defined)}: "
                    f"{', '.join(undefined)} has no band, share or meaning; ecomops uses the "
                    f"defined grades.",
                ),
            )
        )
    for r in ap.rubrics:
        seen: dict[tuple, str] = {}
        for c in r.criteria:
            sig = tuple(sorted((g, t.zh) for g, t in c.levels.items()))
            if sig in seen:
                out.append(
                    Finding(
                        f"identical_levels.{r.id}.{c.id}",
                        "6.2",
                        _t(
                            f"{r.name.zh}中「{c.name.zh}」({c.id})與 {seen[sig]}"
                            "的四級描述一字不差。",
                            f"In the {r.id} rubric, {c.id} carries word for word the same four "
                            f"level descriptors as {seen[sig]}.",
                        ),
                    )
                )
            else:
                seen[sig] = c.id
    for p in m.positions:
        if p.card is not None and p.card.reports_to is None:
            target = p.reports_to or "nobody"
            out.append(
                Finding(
                    f"blank_reports_to.{p.id}",
                    "5",
                    _t(
                        f"§5「{p.name.zh}」崗位職責表的報告對象為空;本工具默認其上級為"
                        f"{target}(依據考核方案的直接上級)。",
                        f"§5: the {p.id} position card leaves 'reports to' blank; ecomops uses "
                        f"{target} (from the rubric's direct superior).",
                    ),
                )
            )
        if p.in_department and p.card is None:
            out.append(
                Finding(
                    f"no_card.{p.id}",
                    "5",
                    _t(
                        f"§5 沒有「{p.name.zh}」的崗位職責表(該崗位只見于其他章節);"
                        f"其考核方案與評分人為本工具的默認值。",
                        f"§5 has no position card for {p.id} (it appears only elsewhere in the "
                        f"manual); its rubric and raters are ecomops defaults: "
                        f"{', '.join(p.defaults) or 'none'}.",
                    ),
                )
            )
    for a in m.workflow.assignments:
        if a.truncated:
            out.append(
                Finding(
                    f"truncated.{a.section}",
                    a.section,
                    _t(
                        f"§{a.section}({a.position} 的工作任務)在副本中被截斷,只剩目錄標題。",
                        f"§{a.section} ({a.position}'s tasks) is cut off in the copy: only its "
                        f"heading survives, in the table of contents.",
                    ),
                )
            )
    if m.supplementary.truncated:
        out.append(
            Finding(
                "truncated.9",
                "9",
                _t(
                    "§9 附則在副本中被截斷。",
                    "§9 (supplementary provisions) is cut off in the copy.",
                ),
            )
        )
    if m.calendar.year is None:
        out.append(
            Finding(
                "no_year",
                "7.2",
                _t(
                    f"手冊日期「{m.dated}」及11月、12月目標均未寫明年份;本工具使用初始化資料庫"
                    f"的年份(可用 init --year 指定)。",
                    f"The manual is dated '{m.dated}' and its goals name months with no year; "
                    f"ecomops uses the year the database is initialised (set it with "
                    f"`ecomops init --year`).",
                ),
            )
        )
    for e in m.errata:
        out.append(Finding(e.id, e.section, Text(zh=e.zh, en=e.en)))
    return out


def assumptions(m: Manual) -> list[Finding]:
    """The tool's own rules that the handbook does not state: each permission the table
    holds as a default (``defaults: [permissions]``)."""
    if "permissions" not in m.defaults:
        return []
    out = []
    for action, who in m.permission_table.items():
        zh_action, en_action = ACTIONS.get(action, (action, action))
        zh_who = "、".join(
            RELATIONS[w][0] if w in RELATIONS else m.position(w).name.zh for w in who
        )
        en_who = "; ".join(RELATIONS[w][1] if w in RELATIONS else w for w in who)
        out.append(
            Finding(
                f"assumption.permissions.{action}",
                "defaults",
                _t(
                    f"手冊未規定誰可以{zh_action};本工具默認:{zh_who or '無人'}。",
                    f"The manual does not say who may {en_action}; ecomops assumes: "
                    f"{en_who or 'nobody'}.",
                ),
            )
        )
    return out
