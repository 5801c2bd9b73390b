"""The build compiles the message catalogs: every ``src/ecomops/locale/*/LC_MESSAGES/*.po`` to
its ``.mo``, shipped in the wheel (docs/translating.md)."""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        for po in sorted((root / "src" / "ecomops" / "locale").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as f:
                write_mo(f, catalog, use_fuzzy=False)
            build_data["artifacts"].append(str(mo.relative_to(root)))
