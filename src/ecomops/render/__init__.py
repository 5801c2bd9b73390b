"""Renderers of the month-end report: terminal, Markdown, HTML, XLSX (JSON is the model)."""
