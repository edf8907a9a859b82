"""The printable PDF: the print template through WeasyPrint with a fetcher that loads nothing."""
from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports.render import render_print_html


class _NoFetching(URLFetcher):
    """Refuse file:// and remote URLs (a label could carry one); charts are inline SVG, fonts local."""

    def fetch(self, url, headers=None):
        raise ValueError(f"report PDFs load no external resources: {url[:80]}")


def render_pdf(report: dict, lang: str) -> bytes:
    """Return the report as an A4 PDF (call inside a request context for the language)."""
    html = render_print_html(report, lang)
    return HTML(string=html, base_url="about:blank", url_fetcher=_NoFetching()).write_pdf()
