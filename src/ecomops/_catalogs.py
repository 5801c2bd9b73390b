"""Keep the catalogs up to date with the code (needs Babel; docs/translating.md).

    PYTHONPATH=src python -m ecomops._catalogs update    # extract, merge into the .po files
    PYTHONPATH=src python -m ecomops._catalogs compile   # .po -> .mo (the build does it too)
    PYTHONPATH=src python -m ecomops._catalogs missing   # the messages still untranslated

``update`` adds the code's new messages to every ``.po`` (empty), drops the ones the code no
longer has, and fills a ``zh`` message left empty from its ``zh_Hans`` translation converted to
the manual's traditional characters (OpenCC, as the manual writes them); a translator edits
it there when the manual would say it otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ecomops.i18n import DIRS, DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "babel.cfg"
#: languages whose messages must all be translated (English is the source)
TRANSLATED = ("zh", "zh-hans")


def extract():
    """The code's messages, as a Babel catalog (a .pot in memory)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    if not MAPPING.is_file():  # an installed copy: the source tree is elsewhere
        raise SystemExit(f"no {MAPPING.name} at {ROOT}: run this from a source checkout "
                         "(PYTHONPATH=src python -m ecomops._catalogs …)")
    with MAPPING.open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    pot = Catalog(project="ecomops", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={
            "_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
        }
    ):
        pot.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return pot


def po_path(lang: str) -> Path:
    return LOCALE_DIR / DIRS[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str):
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        return read_po(f, locale=DIRS[lang])


def write(lang: str, catalog) -> None:
    from babel.messages.pofile import write_po

    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, omit_header=False,
                 ignore_obsolete=True, include_lineno=False)


def update() -> None:
    from babel.messages.catalog import Catalog

    pot = extract()
    for lang in DIRS:
        if po_path(lang).exists():
            catalog = read(lang)
        else:
            catalog = Catalog(locale=DIRS[lang], project="ecomops", charset="utf-8")
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        if lang == "zh":
            _fill_traditional(catalog, read("zh-hans") if po_path("zh-hans").exists() else None)
        write(lang, catalog)
    compile_all()


def _fill_traditional(catalog, simplified) -> None:
    """zh messages left empty: the zh_Hans translation in the manual's characters."""
    if simplified is None:
        return
    from ecomops.render.labels import MANUAL_SCRIPT, as_the_manual
    from ecomops.text import converter

    conv = converter(MANUAL_SCRIPT)
    for message in catalog:
        if not message.id or _done(message.string):
            continue
        source = simplified.get(message.id, message.context)
        if source is None or not _done(source.string):
            continue
        if isinstance(source.string, tuple | list):
            message.string = tuple(as_the_manual(conv.convert(s)) for s in source.string)
        else:
            message.string = as_the_manual(conv.convert(source.string))


def _done(string) -> bool:
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)


def compile_all() -> list[Path]:
    """Compile every ``.po`` to its ``.mo`` (Babel's msgfmt)."""
    from babel.messages.mofile import write_mo

    written = []
    for lang in DIRS:
        path = po_path(lang)
        if not path.exists():
            continue
        catalog = read(lang)
        mo = path.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo)
    return written


def missing(lang: str) -> list[str]:
    """The messages of ``lang``'s catalog with no translation."""
    return sorted(
        (f"{m.context}: {m.id}" if m.context else str(m.id))
        for m in read(lang) if m.id and not _done(m.string)
    )


def stale() -> tuple[list[str], list[str]]:
    """The code's messages missing from the catalogs, and the catalogs' the code has no more
    (compared with the English catalog, which has every message)."""
    def key(m) -> str:
        mid = m.id if isinstance(m.id, str) else m.id[0]
        return f"{m.context}: {mid}" if m.context else mid

    code = {key(m) for m in extract() if m.id}
    result = []
    for lang in DIRS:
        have = {key(m) for m in read(lang) if m.id}
        result.append((sorted(code - have), sorted(have - code)))
    new = sorted({k for n, _ in result for k in n})
    gone = sorted({k for _, g in result for k in g})
    return new, gone


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "update"
    if what == "update":
        update()
    elif what == "compile":
        for path in compile_all():
            print(path)
    elif what == "missing":
        for lang in TRANSLATED:
            for m in missing(lang):
                print(f"{lang}\t{m}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
