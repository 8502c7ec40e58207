"""The command line, run as a user would: subprocess for --help, main() for the commands."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from ganaug.cli import main


def test_help_does_not_import_torch():
    code = "import sys, ganaug.cli; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    out = subprocess.run(
        [sys.executable, "-m", "ganaug.cli", "impute", "--help"], check=True, capture_output=True, text=True
    ).stdout
    assert "--epochs" in out and "(default: auto)" in out


@pytest.fixture
def csv(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=120),
            "city": rng.choice(["a", "b"], 120),
            "label": np.where(np.arange(120) < 100, "common", "rare"),
        }
    )
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_augment_with_a_count_per_class(csv, tmp_path):
    path, frame = csv
    out = tmp_path / "balanced.csv"
    args = [str(path), "--target", "label", "--out", str(out), "--epochs", "2", "--quiet"]
    assert main(["augment", *args, "--sampling-strategy", "rare=60"]) == 0
    result = pd.read_csv(out)
    pd.testing.assert_frame_equal(result.iloc[: len(frame)], frame)
    assert result["label"].value_counts().to_dict() == {"common": 100, "rare": 60}


def test_impute_fills_empty_cells_and_keeps_the_rest(csv, tmp_path):
    path, frame = csv
    holed = frame.drop(columns="label").mask(np.random.default_rng(1).random((120, 2)) < 0.2)
    holed.to_csv(path, index=False)
    out = tmp_path / "filled.csv"
    assert main(["impute", str(path), "--out", str(out), "--epochs", "2", "--quiet"]) == 0
    filled = pd.read_csv(out)
    assert not filled.isna().any().any()
    known = holed.notna()
    np.testing.assert_allclose(filled["x"][known["x"]], holed["x"][known["x"]])
    assert (filled["city"][known["city"]] == holed["city"][known["city"]]).all()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["impute", "missing.csv", "--out", "x.csv"], "no such file: missing.csv"),
        (["augment", "{path}", "--target", "nope", "--out", "x.csv"], "column 'nope' is not in"),
        (
            ["augment", "{path}", "--target", "label", "--out", "x.csv", "--sampling-strategy", "bogus"],
            "sampling",
        ),
    ],
)
def test_errors_are_one_sentence(csv, argv, message, capsys):
    path, _ = csv
    with pytest.raises(SystemExit) as exit_info:
        main([a.format(path=path) for a in argv])
    assert message in str(exit_info.value.code)


@pytest.mark.parametrize("command", ["augment", "impute"])
def test_an_unwritable_out_is_refused_before_training(csv, tmp_path, command, capsys):
    path, _ = csv
    out = tmp_path / "no" / "such" / "dir" / "o.csv"
    target = ["--target", "label"] if command == "augment" else []
    with pytest.raises(SystemExit) as exit_info:
        main([command, str(path), *target, "--out", str(out), "--epochs", "100000"])
    assert "does not exist" in str(exit_info.value.code)
    assert capsys.readouterr().err == ""  # no progress bar: nothing was trained


def test_bad_epochs_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["impute", "x.csv", "--out", "y.csv", "--epochs", "zero"])
    assert exit_info.value.code == 2 and "positive int or 'auto'" in capsys.readouterr().err


def test_fit_then_sample_with_conditions(csv, tmp_path, capsys):
    path, frame = csv
    model = tmp_path / "model.ganaug"
    assert main(["fit", str(path), "--target", "label", "--out", str(model), "--epochs", "2", "--quiet"]) == 0
    out = tmp_path / "rows.csv"
    args = ["sample", str(model), "--n", "30", "--out", str(out), "--target", "label"]
    assert main([*args, "--where", "city=b", "--where", "x=-1..1", "--y", "rare"]) == 0
    rows = pd.read_csv(out)
    assert len(rows) == 30 and list(rows.columns) == list(frame.columns)
    assert (rows["city"] == "b").all() and rows["x"].between(-1, 1).all() and (rows["label"] == "rare").all()
    capsys.readouterr()
    assert main(["sample", str(model), "--n", "3"]) == 0  # to standard output
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "x,city,target" and len(printed) == 4


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--where", "city=z"], "never took the value 'z'"),
        (["--where", "nope=1"], "unknown column"),
        (["--where", "city"], "column=value or column=low..high"),
        (["--y", "other"], "is not a class"),
    ],
)
def test_sample_refuses_bad_requests_with_the_reason(csv, tmp_path, extra, message):
    path, _ = csv
    model = tmp_path / "model.ganaug"
    main(["fit", str(path), "--target", "label", "--out", str(model), "--epochs", "1", "--quiet"])
    with pytest.raises(SystemExit, match=message):
        main(["sample", str(model), "--n", "5", *extra])
