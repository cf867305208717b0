"""The benchmark script keeps working: every workload at a tiny size (a check, not a timing)."""

import json
import pathlib

import pytest


@pytest.fixture
def bench(load_benchmark):
    return load_benchmark("bench")


def test_every_workload_runs_at_tiny_size(bench, tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["all", "--tiny", "--json", str(out)]) == 0
    table = capsys.readouterr().out
    for workload in ("toy", "mlp_adam", "mlp_sgd", "cnn", "cnn_acc", "sklearn", "first_fit"):
        assert workload in table
    doc = json.loads(out.read_text())
    assert doc["gemm_peak_gflops"] > 0
    by_name = {r["workload"]: r for r in doc["results"]}
    assert set(by_name) == {"toy", "mlp_adam", "mlp_sgd", "cnn", "cnn_acc", "sklearn",
                            "first_fit"}
    assert set(by_name["toy"]["runners"]) == {"glassnet", "pytorch", "pytorch 1 thread",
                                              "sklearn", "numpy loop"}
    assert set(by_name["mlp_adam"]["runners"]) == {"glassnet", "glassnet numpy-only", "pytorch",
                                                   "pytorch 1 thread", "sklearn"}
    fastest = by_name["mlp_adam"]["pytorch_fastest"]
    runners = by_name["mlp_adam"]["runners"]
    assert by_name["mlp_adam"]["ratios"]["glassnet / pytorch"] == pytest.approx(
        runners["glassnet"]["median_s"] / runners[fastest]["median_s"])
    assert fastest in {"pytorch", "pytorch 1 thread"}
    first = by_name["first_fit"]["runners"]
    assert first["glassnet"]["numba_imported"] == 0          # a 4-8-1 net never loads numba
    assert first["glassnet"]["median_s"] > 0 and first["glassnet numpy-only"]["median_s"] > 0
    assert set(by_name["sklearn"]["runners"]) == {"glassnet.sklearn", "sklearn"}
    assert set(by_name["mlp_adam"]["ratios"]) == {
        "glassnet / pytorch", "glassnet / sklearn", "glassnet numpy-only / pytorch",
        "glassnet numpy-only / sklearn"}
    assert doc["setup"]["openblas_kernel"]
    assert "time ratios: glassnet / pytorch" in table
    glassnet = by_name["mlp_adam"]["runners"]["glassnet"]
    assert glassnet["median_s"] > 0 and 0 < glassnet["accuracy"] <= 1
    assert glassnet["gflops_forward_backward"] > 0
    assert glassnet["epoch_alloc_mib"] >= 0
    for res in doc["results"]:
        for entry in res["runners"].values():
            assert entry["ratio_glassnet_over_this"] > 0


def test_unknown_workload_is_refused(bench):
    with pytest.raises(SystemExit):
        bench.main(["resnet"])


@pytest.mark.skipif(not pathlib.Path("/proc/self/clear_refs").exists(), reason="Linux only")
def test_peak_rss_probe_measures_start_up_and_training(bench):
    rss = bench._rss_child("mlp_sgd", True, "glassnet")
    assert set(rss) == {"startup", "startup_s", "training"}
    assert rss["startup"] >= 0 and 0 <= rss["training"] < 200


def test_profile_step_accounts_for_the_whole_epoch(load_benchmark, capsys, monkeypatch):
    import glassnet as gn

    monkeypatch.setattr(gn.accel, "_enabled", gn.accel._enabled)   # restored after the test
    module = load_benchmark("profile_step")
    phases, steps, total = module.profile("mlp_sgd", epochs=1)
    assert steps == 5000
    assert {"gather the batch", "update (SGD)", "safety: check weights"} <= set(phases)
    assert sum(phases.values()) == pytest.approx(total, rel=0.02)
    assert module.main(["mlp_sgd", "--epochs", "1", "--numpy-only"]) == 0
    assert "glassnet.accel off" in capsys.readouterr().out
