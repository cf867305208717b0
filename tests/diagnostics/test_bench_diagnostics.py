"""``benchmarks/bench_diagnostics.py`` keeps working (a tiny run: a check, not a timing)."""

import importlib.util
import json
import pathlib

BENCH = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "bench_diagnostics.py"


def test_bench_diagnostics_runs(mnist_available, tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("glassnet_bench_diagnostics", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "r.json"
    assert module.main(["--n-train", "256", "--epochs", "1", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["n_train"] == 256 and result["same_weights"] is True
    assert set(result["median_epoch_s"]) == {"plain", "Diagnostics(every=1)"}
    assert "overhead of Diagnostics(every=1)" in capsys.readouterr().out
