"""ganaug.exceptions: every warning ganaug raises has a class of its own that keeps the builtin's filters."""

import ast
from pathlib import Path

import pytest

import ganaug
from ganaug import exceptions

PACKAGE = Path(ganaug.__file__).parent


def _warn_calls():
    """(file, line, category expression) of every ``warnings.warn`` call in the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "warn"
                and getattr(node.func.value, "id", None) == "warnings"
            ):
                category = node.args[1] if len(node.args) > 1 else None
                category = next((k.value for k in node.keywords if k.arg == "category"), category)
                yield path.relative_to(PACKAGE), node.lineno, category


def test_every_warning_raised_by_the_package_is_a_ganaug_class():
    calls = list(_warn_calls())
    assert len(calls) >= 8
    for path, line, category in calls:
        name = getattr(category, "id", None)
        assert name in exceptions.__all__, (
            f"{path}:{line} warns with {ast.unparse(category) if category else None}"
        )


@pytest.mark.parametrize("name", exceptions.__all__)
def test_each_class_subclasses_the_base_and_a_builtin(name):
    cls = getattr(exceptions, name)
    assert issubclass(cls, exceptions.GanaugWarning)
    if cls is not exceptions.GanaugWarning:
        assert issubclass(cls, RuntimeWarning) or issubclass(cls, UserWarning)
