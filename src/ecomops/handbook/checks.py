"""The manual's own inconsistencies, found in the data (``ecomops manual check`` lists them,
with the section of the manual each one is in).

These are warnings, not errors: the file is usable, and the tool says how it handles each one.
The inconsistencies that the data cannot show are recorded in the file's ``errata`` list and
reported with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ecomops.handbook.model import ACTIONS, RELATIONS, Assignment, Manual, Position, Text


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
    """The tool's own rules where the handbook is silent, each with the handbook text it
    interprets: every value the file lists under a ``defaults:`` key (the calendar's, each
    position's, the grades', the quota's, each task list's, the permission table), then the
    rules in the code that the manual does not state (equal rater weights, the rounding of
    the score, protected days moved to working days, cycles besides the year-end one)."""
    out: list[Finding] = []
    for name in m.calendar.defaults:
        out.append(_calendar(m, name))
    for p in m.positions:
        for name in p.defaults:
            out.append(_position(m, p, name))
    for name in m.appraisal.defaults:
        out.append(_appraisal(m, name))
    for name in m.appraisal.quota.defaults:
        out.append(_quota(m, name))
    for a in m.workflow.assignments:
        for name in a.defaults:
            out.append(_assignment(m, a, name))
    out.extend(_built_in(m))
    for name in m.defaults:
        out.extend(_permissions(m) if name == "permissions" else [_generic(m, name, name)])
    seen: set[str] = set()
    unique = []
    for f in out:  # a rule the file also lists as a default is listed once
        if f.id not in seen:
            seen.add(f.id)
            unique.append(f)
    return unique


def _value(obj: object, name: str) -> object:
    """The value a ``defaults`` entry names (``grades.points``: each grade's points)."""
    head, _, rest = name.partition(".")
    value = getattr(obj, head, None)
    if not rest:
        return value
    if isinstance(value, list):
        return [_value(v, rest) for v in value]
    return _value(value, rest)


def _generic(obj: object, key: str, name: str, section: str = "defaults") -> Finding:
    """A default the checks have no words for: its key (``key``, the path of ``name`` in the
    file) and its value in ``obj``."""
    value = _value(obj, name)
    return Finding(
        f"assumption.{key}",
        section,
        _t(
            f"手冊未規定 {key};本工具默認:{value}。",
            f"The manual does not give {key}; ecomops assumes: {value}.",
        ),
    )


def _calendar(m: Manual, name: str) -> Finding:
    cal = m.calendar
    if name == "year":
        zh, en = (
            (
                "初始化資料庫的年份(可用 init --year 指定)",
                "the year the database is initialised in (`ecomops init --year` sets it)",
            )
            if cal.year is None
            else (f"{cal.year}年", f"{cal.year}")
        )
        return Finding(
            "assumption.calendar.year",
            "5",
            _t(
                f"手冊制定日期為「{m.dated}」,未寫年份,11月、12月目標亦無年份;本工具默認:{zh}。",
                f"The manual is dated '{m.dated}' (制定日期) with no year, and its November and "
                f"December goals name none; ecomops assumes {en}.",
            ),
        )
    if name == "timezone":
        return Finding(
            "assumption.calendar.timezone",
            "3.2",
            _t(
                f"手冊的截止日(每周一、每月最后一周星期五、月度目標)未規定時區;本工具默認:"
                f"{cal.timezone},每日截至該時區 23:59:59。",
                f"The manual's deadlines (each Monday, the month's last Friday, the monthly "
                f"goals) name no time zone; ecomops assumes {cal.timezone}: a day ends at "
                f"23:59:59 there.",
            ),
        )
    return _generic(m.calendar, f"calendar.{name}", name, "5")


def _names(m: Manual, ids: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(m.position(i).name.zh for i in ids)
    return ", ".join(ids)


def _position(m: Manual, p: Position, name: str) -> Finding:
    fid = f"assumption.positions.{p.id}.{name}"
    where_zh = (
        f"§5「{p.name.zh}」崗位職責表的「報告對象」為空"
        if p.card is not None
        else f"§5 沒有「{p.name.zh}」的崗位職責表(該崗位只見于其他章節)"
    )
    where_en = (
        f"§5: the {p.id} position card leaves 'reports to' (報告對象) blank"
        if p.card is not None
        else f"§5 has no position card for {p.id} ({p.name.zh}; it appears only elsewhere in "
        f"the manual)"
    )
    rubric = m.rubric(p.rubric) if p.rubric is not None else None
    if name == "reports_to":
        target = m.position(p.reports_to) if p.reports_to else None
        superior = ""
        if rubric is not None:
            superior = (
                f";考核方案「{rubric.name.zh}」的直接上級為{_names(m, list(rubric.raters), 'zh')}"
            )
        return Finding(
            fid,
            "5",
            _t(
                f"{where_zh}{superior};本工具默認其上級為{target.name.zh if target else '無'}。",
                f"{where_en}"
                + (
                    f"; the {rubric.id} rubric names its direct superior (直接上級): "
                    f"{_names(m, list(rubric.raters), 'en')}"
                    if rubric is not None
                    else ""
                )
                + f"; ecomops assumes {p.id} reports to {target.id if target else 'nobody'}.",
            ),
        )
    if name == "rubric":
        return Finding(
            fid,
            "6.2",
            _t(
                f"§6.2 只有「電商部主管」與「文案」的考核方案,沒有「{p.name.zh}」的;本工具默認以"
                f"「{rubric.name.zh if rubric else '無'}」考核。",
                f"§6.2 has rubrics for the supervisor and the copywriter only, none for {p.id} "
                f"({p.name.zh}); ecomops assumes the {rubric.id if rubric else 'no'} rubric"
                + (f" ({rubric.name.zh})." if rubric else "."),
            ),
        )
    if name == "raters":
        raters = m.raters_of(p)
        return Finding(
            fid,
            "6.2",
            _t(
                f"手冊未規定由誰考核「{p.name.zh}」;本工具默認:"
                f"{_names(m, raters, 'zh') or '無人'}。",
                f"The manual does not say who rates {p.id} ({p.name.zh}); ecomops assumes: "
                f"{_names(m, raters, 'en') or 'nobody'}.",
            ),
        )
    return _generic(p, f"positions.{p.id}.{name}", name, "5")


def _appraisal(m: Manual, name: str) -> Finding:
    grades = m.appraisal.grades
    if name == "grades.points":
        bands_zh = "、".join(f"{g.id} {g.band}" for g in grades)
        bands_en = ", ".join(f"{g.id} {g.band}" for g in grades)
        points_zh = "、".join(f"{g.id} {g.points}" for g in grades)
        points_en = ", ".join(f"{g.id} {g.points}" for g in grades)
        return Finding(
            "assumption.appraisal.grades.points",
            "6.2",
            _t(
                f"§6.2 只規定各級分值({bands_zh}),未規定以級別代替分數評分時計多少分;本工具"
                f"默認:{points_zh}。",
                f"§6.2 gives each grade a score band ({bands_en}) but no score for a level "
                f"given instead of a number; ecomops assumes: {points_en}.",
            ),
        )
    if name == "cycle_kinds":
        return _cycle_kinds(m) or _generic(m.appraisal, "appraisal.cycle_kinds", name, "6.2")
    return _generic(m.appraisal, f"appraisal.{name}", name, "6.2")


def _shares(m: Manual) -> tuple[str, str]:
    zh = "、".join(f"{g.id} {g.share}%" for g in m.appraisal.grades)
    en = ", ".join(f"{g.id} {g.share}%" for g in m.appraisal.grades)
    return zh, en


def _quota(m: Manual, name: str) -> Finding:
    q = m.appraisal.quota
    grades = [g.id for g in m.appraisal.grades]
    shares_zh, shares_en = _shares(m)
    fid = f"assumption.appraisal.quota.{name}"
    if name == "rule":
        caps_zh: list[str] = []
        caps_en: list[str] = []
        cum = Decimal(0)
        for k, g in enumerate(m.appraisal.grades[:-1]):
            cum += g.share
            group = "+".join(grades[: k + 1])
            caps_zh.append(f"{group} 至多 ceil({cum}%·N) 人")
            caps_en.append(f"at most ceil({cum}%·N) {group}")
        return Finding(
            fid,
            "6.2",
            _t(
                f"§6.2 規定「除年末績效外,績效考核級別強制分布比例」({shares_zh}),未規定 N 人"
                f"的組別如何取整;本工具默認累計上限:{'、'.join(caps_zh)}。",
                f"§6.2 sets the shares of the forced distribution (除年末績效外 … 強制分布比例: "
                f"{shares_en}) but not how to apply them to a group of N; ecomops caps the "
                f"favourable grades cumulatively: {', '.join(caps_en)}.",
            ),
        )
    if name == "min_group_size":
        zh, en = (
            ("任何人數的組別都適用", "to every group, however small")
            if q.min_group_size <= 1
            else (
                f"{q.min_group_size} 人以上的組別適用,更小的組別僅供參考",
                f"to groups of {q.min_group_size} or more (smaller ones are advisory)",
            )
        )
        return Finding(
            fid,
            "6.2",
            _t(
                f"§6.2 未規定強制分布適用于多小的組別;本工具默認:{zh}。",
                f"§6.2 does not say how small a group the forced distribution applies to; "
                f"ecomops applies it {en}.",
            ),
        )
    if name == "strict":
        zh, en = (
            (
                "各級比例為精確人數(最大余數法)",
                "as exact counts (largest remainders)",
            )
            if q.strict
            else (
                "各級比例為上限(quota check --strict 改為精確人數)",
                "as ceilings (`quota check --strict` asks for exact largest-remainder counts)",
            )
        )
        return Finding(
            fid,
            "6.2",
            _t(
                f"§6.2 的分布比例({shares_zh})可理解為上限或精確人數;本工具默認:{zh}。",
                f"§6.2's shares ({shares_en}) can be read as ceilings or as exact counts; "
                f"ecomops reads them {en}.",
            ),
        )
    return _generic(q, f"appraisal.quota.{name}", name, "6.2")


def _assignment(m: Manual, a: Assignment, name: str) -> Finding:
    if name == "tasks.serves":
        links = ", ".join(f"{n} → {t.serves or '—'}" for n, t in enumerate(a.tasks, start=1))
        return Finding(
            f"assumption.workflow.assignments.{a.position}.tasks.serves",
            a.section,
            _t(
                f"§{a.section} 列出「{m.position(a.position).name.zh}」的工作任務,未說明各項服務"
                f"于哪一項目標;本工具默認:{links}。",
                f"§{a.section} lists {a.position}'s tasks without saying which goal each serves; "
                f"ecomops links them: {links}.",
            ),
        )
    return _generic(a, f"workflow.assignments.{a.position}.{name}", name, a.section)


def _built_in(m: Manual) -> list[Finding]:
    """Rules in the code, not in the file: the manual does not state them either."""
    out = []
    # positions rated by more than one rater (their rubric's, or their own: a default)
    rated = [p for p in m.positions if len(m.raters_of(p)) > 1]
    if rated:
        quote_zh = ";".join(
            f"「{r.name.zh}」直接上級:{_names(m, list(r.raters), 'zh')}"
            for r in m.appraisal.rubrics
            if len(r.raters) > 1
        )
        quote_en = "; ".join(
            f"the {r.id} rubric's 直接上級: {_names(m, list(r.raters), 'en')}"
            for r in m.appraisal.rubrics
            if len(r.raters) > 1
        )
        who_zh = "、".join(f"{p.name.zh}({_names(m, m.raters_of(p), 'zh')})" for p in rated)
        who_en = "; ".join(f"{p.id} by {_names(m, m.raters_of(p), 'en')}" for p in rated)
        out.append(
            Finding(
                "assumption.appraisal.rater_weights",
                "6.2",
                _t(
                    f"§6.2 的考核方案列出多于一位評分人({quote_zh or '見各崗位默認值'}),未規定"
                    f"各自評分如何合并;本工具取各評分人總分的平均值,權重相同:{who_zh}。",
                    f"§6.2 names more than one rater ({quote_en or 'see the positions'}) but not "
                    f"how their ratings combine; ecomops takes the plain mean of the raters' "
                    f"totals, equal weights: {who_en}.",
                ),
            )
        )
    grades = m.appraisal.grades
    bands_zh = "、".join(g.band for g in grades)
    bands_en = ", ".join(g.band for g in grades)
    edge = ""
    if len(grades) > 1:
        top, second = grades[0], grades[1]
        below = top.min - Decimal("0.1")
        edge = f"{below} → {second.id}, {top.min} → {top.id}"
    out.append(
        Finding(
            "assumption.appraisal.rounding",
            "6.2",
            _t(
                f"§6.2 的分值以整數劃分({bands_zh}),未規定帶小數的得分屬于哪一級;本工具將最終"
                f"得分四舍五入到一位小數,級別區間為「下限 ≤ 分數 < 上限」({edge})。",
                f"§6.2's score bands are in whole numbers ({bands_en}) and do not place a "
                f"score with decimals; ecomops rounds the final score half-up to one decimal, "
                f"and a grade holds min ≤ score < max ({edge}).",
            ),
        )
    )
    out.append(
        Finding(
            "assumption.calendar.protected_days",
            "3.2",
            _t(
                "§3.2 第7條:每周一及「每月最后一周星期五」「這兩日不受理請假需求和安排調休」;"
                "該日為節假日時,本工具改為保護代替它的工作日:當周第一個工作日,及該星期五之前"
                "最后一個工作日(周一計劃、月末總結亦于該日截止)。",
                "§3.2 rule 7 takes no leave and no shift swap (這兩日不受理請假需求和安排調休) on "
                "each Monday and on the month's last Friday; when that day is a holiday, ecomops "
                "protects the working day standing in for it instead: the week's first working "
                "day, and the last working day before that Friday (the Monday plan and the "
                "month-end summary fall due then too).",
            ),
        )
    )
    kinds = _cycle_kinds(m)
    if kinds is not None:
        out.append(kinds)
    return out


def _cycle_kinds(m: Manual) -> Finding | None:
    """The cycles besides the year-end one (§6.2 names only that one, to exempt it)."""
    others = [k for k in m.appraisal.cycle_kinds if k.forced_distribution]
    exempt = [k for k in m.appraisal.cycle_kinds if not k.forced_distribution]
    if not others:
        return None
    return Finding(
        "assumption.appraisal.cycle_kinds",
        "6.2",
        _t(
            "§6.2 規定「除年末績效外」適用強制分布,未規定其他考核周期;本工具"
            + ("除年末績效外" if exempt else "")
            + f"另設{'、'.join(k.name.zh for k in others)},適用強制分布。",
            "§6.2 exempts the year-end appraisal (除年末績效外) from the forced distribution "
            "but names no other appraisal period; ecomops "
            + ("also " if exempt else "")
            + f"runs {' and '.join(k.id for k in others)} cycles, under the forced distribution.",
        ),
    )


def _permissions(m: Manual) -> list[Finding]:
    """Each permission the table holds as a default (``defaults: [permissions]``)."""
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
