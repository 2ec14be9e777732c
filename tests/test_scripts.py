"""The scripts of "scripts to rule them all": they parse, are executable,
and their Python helpers (the translation check, the benchmark harness) do
what they promise."""

import importlib.util
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["script/bootstrap", "script/server", "script/test", "script/bench", ".ci/run"]


def load(relative, name):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_is_bash_that_parses(script):
    path = ROOT / script
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in path.read_text()
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s != ".ci/run"])
def test_script_is_executable(script):
    assert os.stat(ROOT / script).st_mode & stat.S_IXUSR


def test_bench_refuses_an_unknown_benchmark():
    result = subprocess.run(
        ["bash", str(ROOT / "script/bench"), "no_such_benchmark"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "no benchmark bench/no_such_benchmark.py" in result.stderr


class TestCheckTranslations:
    HEADER = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
    )

    @pytest.fixture
    def checker(self, tmp_path, monkeypatch):
        module = load("script/check_translations.py", "check_translations")
        source = tmp_path / "src" / "kraya"
        (source / "web" / "templates" / "web").mkdir(parents=True)
        (source / "web" / "views.py").write_text(
            "from django.utils.translation import gettext_lazy as _, pgettext_lazy\n"
            'TITLE = _("Catalogue")\n'
            'MENU = pgettext_lazy("menu", "Home")\n'
        )
        (source / "web" / "templates" / "web" / "page.html").write_text(
            '{% load i18n %}{% translate "Sign in" %}\n'
            "{% blocktranslate trimmed with n=count %}\n  {{ n }} offers\n{% endblocktranslate %}"
        )
        (source / "locale" / "hi" / "LC_MESSAGES").mkdir(parents=True)
        monkeypatch.setattr(module, "ROOT", tmp_path)
        monkeypatch.setattr(module, "SOURCE", source)
        return module, source / "locale" / "hi" / "LC_MESSAGES" / "django.po"

    def complete(self):
        return self.HEADER + (
            'msgid "Catalogue"\nmsgstr "सूची"\n\n'
            'msgctxt "menu"\nmsgid "Home"\nmsgstr "मुखपृष्ठ"\n\n'
            'msgid "Sign in"\nmsgstr "साइन इन"\n\n'
            '#, python-format\nmsgid "%(n)s offers"\nmsgstr "%(n)s प्रस्ताव"\n'
        )

    def test_finds_python_and_template_messages(self, checker):
        module, _po = checker
        assert set(module.source_messages()) == {
            ("Catalogue", None),
            ("Home", "menu"),
            ("Sign in", None),
            ("%(n)s offers", None),
        }

    def test_a_missing_catalogue_fails(self, checker, capsys):
        module, _po = checker
        assert module.main() == 1
        assert "django.po: missing" in capsys.readouterr().out

    def test_a_complete_catalogue_passes_and_compiles(self, checker, capsys):
        module, po = checker
        po.write_text(self.complete())
        assert module.main() == 0
        assert po.with_suffix(".mo").stat().st_size > 0
        assert "4 messages, complete in hi" in capsys.readouterr().out

    def test_untranslated_fuzzy_missing_and_broken_entries_fail(self, checker, capsys):
        module, po = checker
        text = self.complete()
        text = text.replace('msgstr "सूची"', 'msgstr ""')
        text = text.replace('msgid "Sign in"', '#, fuzzy\nmsgid "Sign in"')
        text = text.replace('msgstr "%(n)s प्रस्ताव"', 'msgstr "%(m)s प्रस्ताव"')
        text = text.replace('msgctxt "menu"\nmsgid "Home"\nmsgstr "मुखपृष्ठ"\n\n', "")
        po.write_text(text)
        assert module.main() == 1
        out = capsys.readouterr().out
        assert "untranslated: 'Catalogue'" in out
        assert "fuzzy: 'Sign in'" in out
        assert "no entry for 'Home' (context 'menu')" in out
        assert "unknown named placeholder 'm'" in out
        assert "translations: 4 problem(s)" in out
        assert not po.with_suffix(".mo").exists()

    def test_the_real_source_tree_is_scanned(self):
        module = load("script/check_translations.py", "check_translations_real")
        found = module.source_messages()
        assert ("The price cannot be above the MRP.", None) in found


@pytest.fixture(scope="module")
def harness():
    return load("bench/_harness.py", "bench_harness")


class TestBenchHarness:
    def test_percentiles_interpolate_between_ranks(self, harness):
        assert harness.percentile([1.0, 2.0], 0.5) == 1.5
        values = [float(v) for v in range(1, 101)]
        assert harness.percentile(values, 0.0) == 1.0
        assert harness.percentile(values, 1.0) == 100.0
        assert harness.percentile(values, 0.95) == pytest.approx(95.05)
        with pytest.raises(ValueError):
            harness.percentile([], 0.5)

    def test_latency_summary_is_in_milliseconds(self, harness):
        summary = harness.latency_summary([0.001, 0.002, 0.003, 0.004])
        assert summary == {
            "p50_ms": 2.5,
            "p95_ms": 3.85,
            "p99_ms": 3.97,
            "mean_ms": 2.5,
            "max_ms": 4.0,
        }

    def test_report_ends_with_one_json_object(self, harness, capsys):
        harness.report("demo", {"requests": 3, "throughput_rps": 12.5})
        lines = capsys.readouterr().out.splitlines()
        assert lines[0] == "benchmark demo"
        assert json.loads(lines[-1]) == {"benchmark": "demo", "requests": 3, "throughput_rps": 12.5}

    def test_peak_rss_is_positive(self, harness):
        assert harness.peak_rss_mb() > 1
