"""kraya.core.pdf: real PDFs from WeasyPrint, reproducible, with a digest, and a
clear error naming the Debian packages when Pango or the fonts are missing."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from kraya.core.pdf import (
    DEBIAN_PACKAGES,
    FONT_PACKAGES,
    PANGO_PACKAGES,
    PdfMetadata,
    PdfUnavailable,
    RenderedPdf,
    check_pdf_support,
    missing_font_families,
    render_pdf,
)

CREATED = dt.datetime(2026, 11, 20, 9, 5, tzinfo=dt.UTC)
META = PdfMetadata(title="परीक्षण / Test", created=CREATED, language="hi")
HTML = (
    "<html lang=\"hi\"><body style=\"font-family: 'Noto Sans Devanagari', 'Noto Sans'\">"
    "<p>क्षत्रिय परीक्षा ₹12,34,567.00</p></body></html>"
)
ROOT = Path(__file__).resolve().parents[2]


def _png(width: int = 2, height: int = 2) -> bytes:
    """A valid, tiny, grey PNG (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _images(content: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(content)).pages:
        objects = page["/Resources"].get("/XObject")
        count += len(objects) if objects is not None else 0
    return count


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}", **env},
        check=False,
    )


def test_render_gives_a_pdf_and_the_sha256_of_its_bytes() -> None:
    result = render_pdf(HTML, metadata=META)
    assert result.content.startswith(b"%PDF-1.7")
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    text = PdfReader(io.BytesIO(result.content)).pages[0].extract_text()
    assert "₹12,34,567.00" in text
    assert "क्षत्रिय" in text


def test_rendered_pdf_refuses_a_digest_that_does_not_match() -> None:
    with pytest.raises(ValueError, match="digest"):
        RenderedPdf(content=b"%PDF-1.7", sha256="0" * 64)
    assert RenderedPdf.of(b"x").sha256 == hashlib.sha256(b"x").hexdigest()


def test_same_input_same_bytes() -> None:
    first = render_pdf(HTML, metadata=META)
    second = render_pdf(HTML, metadata=META)
    assert first.content == second.content
    assert b"/ID" not in first.content  # no random file identifier


def test_same_input_same_bytes_in_another_process() -> None:
    # Set and dict order (hash seeds) must not reach the font subsets or objects.
    code = """
        import datetime as dt
        from kraya.core.pdf import PdfMetadata, render_pdf
        from tests.core.test_pdf import HTML, META
        print(render_pdf(HTML, metadata=META).sha256)
        """
    here = render_pdf(HTML, metadata=META).sha256
    for seed in ("1",):
        result = _run_python(
            code, PYTHONHASHSEED=seed, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'src'}"
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == here


def test_metadata_title_author_dates_language() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(HTML, metadata=META).content))
    info = reader.metadata
    assert info is not None
    assert info.title == "परीक्षण / Test"
    assert info.author == "Kraya"
    assert info.creator == "Kraya"
    assert info.creation_date == CREATED
    assert info.modification_date == CREATED
    assert info["/CreationDate"] == "D:20261120143500+05'30"  # written in IST
    assert reader.trailer["/Root"]["/Lang"] == "hi"


def test_metadata_needs_an_aware_creation_date() -> None:
    with pytest.raises(ValueError, match="aware"):
        PdfMetadata(title="x", created=dt.datetime(2026, 11, 20, 9, 5), language="en")


def test_devanagari_is_shaped_into_conjuncts() -> None:
    # Shaped text uses one ligature glyph for क्ष (and for त्र); unshaped text
    # would draw क, ् and ष as three glyphs. The ToUnicode map shows it: a
    # single glyph maps to the three code points U+0915 U+094D U+0937.
    reader = PdfReader(io.BytesIO(render_pdf(HTML, metadata=META).content))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    cmaps = b"".join(
        font.get_object()["/ToUnicode"].get_data()
        for font in fonts.values()
        if "Devanagari" in str(font.get_object()["/BaseFont"])
    )
    assert b"<0915094D0937>" in cmaps.upper()


def test_fonts_are_subset() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(HTML, metadata=META).content))
    names = [
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    ]
    assert names
    assert all(name[7] == "+" and name[1:7].isupper() for name in names), names
    assert len(render_pdf(HTML, metadata=META).content) < 20_000


def test_external_resources_are_refused_and_data_urls_load(tmp_path: Path) -> None:
    image = tmp_path / "seal.png"
    image.write_bytes(_png())
    from_file = f'<html><body><p>x</p><img src="{image.as_uri()}"></body></html>'
    inline = (
        '<html><body><p>x</p><img src="data:image/png;base64,'
        f'{base64.b64encode(_png()).decode()}"></body></html>'
    )
    with pytest.raises(ValueError, match=r"may not load external resources.*seal\.png"):
        render_pdf(from_file, metadata=META)
    styled = f'<html><head><link rel="stylesheet" href="{image.as_uri()}"></head></html>'
    with pytest.raises(ValueError, match="external resources"):
        render_pdf(styled, metadata=META)
    assert _images(render_pdf(inline, metadata=META).content) == 1


def test_the_fonts_we_name_are_installed() -> None:
    assert missing_font_families() == []
    check_pdf_support()


def test_a_missing_family_is_reported() -> None:
    assert missing_font_families(["Noto Sans", "No Such Family Kraya"]) == ["No Such Family Kraya"]
    with pytest.raises(PdfUnavailable) as error:
        check_pdf_support(["No Such Family Kraya"])
    assert error.value.missing == ("font 'No Such Family Kraya'",)
    assert error.value.packages == FONT_PACKAGES
    assert "apt-get install -y fonts-noto-core" in str(error.value)


def test_without_fonts_rendering_says_what_to_install(tmp_path: Path) -> None:
    # A Fontconfig configuration with no font directories: the system as if
    # fonts-noto-core were not installed. A fresh process, because Fontconfig
    # reads FONTCONFIG_FILE when it starts.
    config = tmp_path / "fonts.conf"
    config.write_text("<?xml version='1.0'?><fontconfig></fontconfig>", encoding="utf-8")
    result = _run_python(
        """
        import datetime as dt, warnings
        warnings.simplefilter("ignore")
        from kraya.core.pdf import PdfMetadata, PdfUnavailable, render_pdf
        meta = PdfMetadata(title="t", created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), language="hi")
        try:
            render_pdf("<p>क्ष</p>", metadata=meta)
        except PdfUnavailable as error:
            print("REFUSED", error)
        """,
        FONTCONFIG_FILE=str(config),
        FONTCONFIG_PATH=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "REFUSED" in result.stdout
    assert "'Noto Sans'" in result.stdout
    assert "'Noto Sans Devanagari'" in result.stdout
    assert "apt-get install -y fonts-noto-core" in result.stdout


def test_without_pango_rendering_says_what_to_install() -> None:
    # Pango cannot be uninstalled for a test; a fresh process whose import of
    # WeasyPrint fails the way cffi's dlopen does when libpango is missing.
    result = _run_python(
        """
        import datetime as dt, sys
        from importlib.abc import MetaPathFinder

        class NoPango(MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "weasyprint":
                    raise OSError("cannot load library 'libpango-1.0-0': not found")
                return None

        sys.meta_path.insert(0, NoPango())
        import kraya.core.pdf as pdf  # importing the module must not need Pango
        created = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        meta = pdf.PdfMetadata(title="t", created=created, language="en")
        try:
            pdf.render_pdf("<p>x</p>", metadata=meta)
        except pdf.PdfUnavailable as error:
            print("REFUSED", error)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "REFUSED PDF documents cannot be rendered: Pango not found." in result.stdout
    assert "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0" in result.stdout
    assert "libpango-1.0-0': not found" in result.stdout


def test_the_error_names_every_package() -> None:
    error = PdfUnavailable(["Pango", "font 'Noto Sans'"], DEBIAN_PACKAGES)
    assert error.code == "pdf.unavailable"
    assert str(error) == (
        "PDF documents cannot be rendered: Pango, font 'Noto Sans' not found. On Debian or "
        "Ubuntu install them with: apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 "
        "fonts-noto-core"
    )
    assert PANGO_PACKAGES + FONT_PACKAGES == DEBIAN_PACKAGES
