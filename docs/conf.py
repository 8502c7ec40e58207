"""Sphinx configuration of ganaug's documentation site.

Build it from the repository root (the docs extra installed:
``pip install -e ".[docs]"``)::

    python -m sphinx -W -b html docs docs/_build/html

``-W`` turns every warning into an error, so a broken reference, a malformed
docstring or a gallery example that raises fails the build.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import ganaug

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # _bench_plots.py for the plot directive

project = "ganaug"
author = "the ganaug developers"
copyright = "the ganaug developers"
release = ganaug.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "myst_parser",
    "matplotlib.sphinxext.plot_directive",
]

# The markdown notes at the top of docs/ (design.md, benchmarks.md, ...) stay
# where the README links them; the site shows each through a generated page
# (notes/<name>.rst, see _write_note_pages below; benchmarks.md on the
# Benchmarks page), so they are not sources themselves.
exclude_patterns = ["_build", "*.md", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"

# -- autodoc / autosummary / numpydoc ---------------------------------------
autosummary_generate = True
autodoc_default_options: dict = {}  # the class template asks for members explicitly
autodoc_typehints = "none"  # numpydoc's Parameters sections say the types
numpydoc_show_class_members = False  # the class template lists the methods
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True


def _skip_plumbing(app, what, name, obj, skip, options):
    """Leave scikit-learn's metadata-routing plumbing (``set_fit_request`` ...) off the class pages."""
    if what == "class" and (name == "get_metadata_routing" or name.endswith("_request")):
        return True
    return None


def _plain_foreign_refs(app, what, name, obj, options, lines):
    """Inherited scikit-learn / imbalanced-learn docstrings cite labels of *their* sites: keep the text.

    Without intersphinx (CI has no network) ``:ref:`` to those labels cannot
    resolve; the words stay, the link goes. ganaug's own docstrings keep
    every reference, so -W still catches a broken one.
    """
    module = getattr(obj, "__module__", "") or ""
    if not module.startswith(("sklearn.", "imblearn.")):
        return
    for i, line in enumerate(lines):
        line = re.sub(r":ref:`([^`<]+?)\s*<[^`>]+>`", r"\1", line)
        lines[i] = re.sub(r":ref:`([^`]+)`", r"``\1``", line)


def setup(app):
    app.connect("autodoc-skip-member", _skip_plumbing)
    app.connect("autodoc-process-docstring", _plain_foreign_refs, priority=400)


# -- sphinx-gallery ----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,  # an example that raises fails the build
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 5,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "doc_module": ("ganaug",),
    "backreferences_dir": "_build/backreferences",
    "show_memory": False,
}

# -- plot directive (the benchmark figures) ------------------------------------
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]

# -- MyST (the markdown notes and benchmark tables included in the site) -------
myst_heading_anchors = 3

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"ganaug {release}"
html_static_path = ["_static"]
html_css_files = ["ganaug.css"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}

# The network is closed on CI's machines: no intersphinx inventories.
os.environ.setdefault("MPLBACKEND", "Agg")


# -- the command line's help, captured at build time -------------------------
# user_guide/cli.rst includes these files, so the page always shows what
# ``ganaug --help`` prints.
def _write_cli_help() -> None:
    import contextlib
    import io

    from ganaug.cli import main

    out = Path(__file__).resolve().parent / "_build" / "cli_help"
    out.mkdir(parents=True, exist_ok=True)
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"
    try:
        for name, argv in {
            "ganaug": ["--help"],
            "demo": ["demo", "--help"],
            "augment": ["augment", "--help"],
            "impute": ["impute", "--help"],
            "fit": ["fit", "--help"],
            "sample": ["sample", "--help"],
        }.items():
            text = io.StringIO()
            with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
                main(argv)
            target = out / f"{name}.txt"
            if not target.exists() or target.read_text() != text.getvalue():
                target.write_text(text.getvalue())
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous


_write_cli_help()


# -- the committed benchmark tables, one page each ------------------------------
# benchmarks/results/*.md (and the pictures beside them) are copied into
# docs/benchmarks/results/ at every build, so the site shows them as committed
# and their relative image links keep working. That folder is generated.
def _copy_benchmark_results() -> None:
    import shutil

    source = ROOT / "benchmarks" / "results"
    target = Path(__file__).resolve().parent / "benchmarks" / "results"
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p for p in source.iterdir() if p.suffix in {".md", ".png", ".svg"}}
    for stale in target.iterdir():
        if stale.name not in wanted:
            stale.unlink()
    for name, path in wanted.items():
        copy = target / name
        if not copy.exists() or copy.read_bytes() != path.read_bytes():
            shutil.copyfile(path, copy)


_copy_benchmark_results()


# -- the markdown notes of docs/, one page each -----------------------------------
# Every docs/*.md but benchmarks.md (shown on the Benchmarks page) gets a page
# notes/<name>.rst that includes it, so a note added to docs/ appears on the
# site (under "Notes") without breaking the -W build. notes/ is generated.
def _write_note_pages() -> None:
    here = Path(__file__).resolve().parent
    target = here / "notes"
    target.mkdir(exist_ok=True)
    notes = {p.stem for p in here.glob("*.md")} - {"benchmarks"}
    for stale in target.glob("*.rst"):
        if stale.stem not in notes:
            stale.unlink()
    for name in sorted(notes):
        text = (
            f".. Generated by docs/conf.py from docs/{name}.md: edit that file.\n\n"
            f".. include:: ../{name}.md\n   :parser: myst_parser.sphinx_\n"
        )
        page = target / f"{name}.rst"
        if not page.exists() or page.read_text() != text:
            page.write_text(text)


_write_note_pages()
