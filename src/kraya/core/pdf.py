"""HTML + CSS → PDF bytes with WeasyPrint, for every document Kraya issues.

WeasyPrint needs Pango (text layout and shaping through HarfBuzz, which is
what joins Devanagari conjuncts: क् + ष → क्ष) and Fontconfig fonts. Those
are system libraries, so they are checked where a PDF is made, not at import
(DESIGN: system libraries): the server starts without them, and `render_pdf`
raises `PdfUnavailable` naming the Debian packages to install. WeasyPrint
itself is imported inside the functions because importing it loads Pango.

Reproducible output: for the same HTML, metadata and fonts the bytes are the
same (tests check this). We set the creation date from the caller (the
injected clock), write no random file identifier (/ID), subset the fonts
deterministically and refuse every external resource, so nothing else varies.
The bytes change with the WeasyPrint, Pango, HarfBuzz or font versions: a
digest recorded in the audit log proves which file was issued, it cannot be
recomputed from the data on another machine.

Fonts are subset (only the glyphs used are embedded): a one-page bilingual
contract with Noto Sans and Noto Sans Devanagari is tens of kilobytes."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Debian packages that provide what WeasyPrint needs (DESIGN: system libraries).
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")
FONT_PACKAGES = ("fonts-noto-core",)
DEBIAN_PACKAGES = PANGO_PACKAGES + FONT_PACKAGES
# The families our stylesheets name: Latin (and ₹) and Devanagari.
REQUIRED_FONT_FAMILIES = ("Noto Sans", "Noto Sans Devanagari")

AUTHOR = "Kraya"

# WeasyPrint logs ten "Step n" lines per document at INFO; a server renders
# many documents, so only its warnings (missing glyphs, bad CSS) reach the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class PdfUnavailable(RuntimeError):
    """The system cannot render PDFs: a library or a font is missing.

    `missing` names what was not found; `packages` the Debian packages that
    provide it; the message says both, with the command to run."""

    code = "pdf.unavailable"

    def __init__(self, missing: Sequence[str], packages: Sequence[str], detail: str = "") -> None:
        self.missing = tuple(missing)
        self.packages = tuple(packages)
        message = (
            f"PDF documents cannot be rendered: {', '.join(self.missing)} not found. "
            f"On Debian or Ubuntu install them with: apt-get install -y {' '.join(self.packages)}"
        )
        if detail:
            message += f" ({detail})"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    """A rendered PDF and the SHA-256 digest (hex) of exactly these bytes,
    for the audit log."""

    content: bytes
    sha256: str

    @classmethod
    def of(cls, content: bytes) -> RenderedPdf:
        return cls(content=content, sha256=hashlib.sha256(content).hexdigest())

    def __post_init__(self) -> None:
        if hashlib.sha256(self.content).hexdigest() != self.sha256:
            raise ValueError("the digest does not match the PDF bytes")


@dataclass(frozen=True, slots=True)
class PdfMetadata:
    """The PDF's document information. `created` is an aware datetime (from the
    injected clock), written in IST; `language` is the document's main
    language (`hi`, `en`)."""

    title: str
    created: dt.datetime
    language: str
    author: str = AUTHOR
    subject: str = ""

    def __post_init__(self) -> None:
        if self.created.tzinfo is None:
            raise ValueError("PdfMetadata.created must be an aware datetime")


def missing_font_families(families: Sequence[str] = REQUIRED_FONT_FAMILIES) -> list[str]:
    """The families Fontconfig cannot find (it falls back to another family
    for a missing one, so we compare the family it matched). Raises
    `PdfUnavailable` when Pango itself cannot be loaded."""
    ffi, fontconfig = _fontconfig()
    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    missing = []
    for family in families:
        pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        found = ""
        if match != ffi.NULL:
            match = ffi.gc(match, fontconfig.FcPatternDestroy)
            name = ffi.new("FcChar8 **")
            if fontconfig.FcPatternGetString(match, b"family", 0, name) == 0:
                found = ffi.string(name[0]).decode()
        if found.casefold() != family.casefold():
            missing.append(family)
    return missing


def check_pdf_support(families: Sequence[str] = REQUIRED_FONT_FAMILIES) -> None:
    """Raise `PdfUnavailable` unless Pango loads and every family is installed.

    A success is remembered for the process (fonts are not uninstalled under a
    running server); a failure is checked again next time, so installing the
    packages needs no restart."""
    _check_cached(tuple(families))


@functools.cache
def _check_cached(families: tuple[str, ...]) -> None:
    missing = missing_font_families(families)
    if missing:
        raise PdfUnavailable([f"font {family!r}" for family in missing], FONT_PACKAGES)


def render_pdf(
    html: str,
    *,
    metadata: PdfMetadata,
    stylesheets: Sequence[str] = (),
    families: Sequence[str] = REQUIRED_FONT_FAMILIES,
) -> RenderedPdf:
    """Render `html` (a complete document) with the CSS texts in `stylesheets`.

    External resources (images, stylesheets, fonts by URL) are refused with
    `ValueError`, rather than left out silently: only `data:` URLs load, so a
    document never reads a file or the network."""
    check_pdf_support(families)
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"], fail_on_errors=True)
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetcher) for css in stylesheets],
        )
    except FatalURLFetchingError as error:  # a BaseException in WeasyPrint
        raise ValueError(f"a PDF document may not load external resources: {error}") from None
    info = document.metadata
    info.title = metadata.title
    info.authors = [metadata.author]
    info.description = metadata.subject or None
    created = _w3c_date(metadata.created)
    info.created = created
    info.modified = created
    info.lang = metadata.language
    info.generator = AUTHOR
    # No /ID (random or time-based identifiers would change the digest); fonts subset.
    content = document.write_pdf(pdf_identifier=None, full_fonts=False)
    return RenderedPdf.of(content)


def _w3c_date(moment: dt.datetime) -> str:
    from kraya.core.clock import to_ist

    return to_ist(moment).replace(microsecond=0).isoformat()


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as error:  # cffi's dlopen: the Pango shared library is missing
        raise PdfUnavailable(["Pango"], PANGO_PACKAGES, detail=str(error)) from error
    return weasyprint


def _fontconfig() -> tuple[Any, Any]:
    _weasyprint()
    from weasyprint.text.ffi import ffi, fontconfig

    return ffi, fontconfig
