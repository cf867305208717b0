"""glassnet against PyTorch eager, scikit-learn and the posts' NumPy loop, in one process.

Usage::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \\
        python benchmarks/bench.py toy mlp_adam mlp_sgd cnn sklearn   # BENCHMARKS.md's workloads
    python benchmarks/bench.py all --json results.json
    python benchmarks/bench.py all --tiny        # a few seconds: keeps the script working

Runners are interleaved epoch by epoch (A B A B ...) so that drift of the machine hits all of
them alike; the table reports the median seconds per epoch (per whole loop for ``toy``), the
time ratios glassnet / peer (below 1: glassnet is faster), the accuracy reached, the memory that
one glassnet epoch allocates on top of the data (tracemalloc), the peak RSS that training adds
in a fresh process, and glassnet's achieved GFLOP/s against a measured float32 GEMM peak of this
machine. "glassnet" uses the numba kernels of ``glassnet.accel`` when numba is installed;
"glassnet numpy-only" is the same model on the NumPy reference code alone. PyTorch runs at all
cores ("pytorch") and at 1 thread; the "/ pytorch" ratios are against the faster of the two (on
tiny steps its threads cost more than they give, erratically). ``first_fit`` is the start-up a
user pays: a fresh process's first ``fit`` with numba usable minus with ``GLASSNET_ACCEL=0``
(``bench_startup.py``).

Some machines set ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE`` (for old OpenBLAS builds); they
force NumPy's BLAS onto an older kernel, so unset them for the run as above. The table's header
names the kernel in use and warns when they are set.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from peers import PlainNumpyToy, SklearnRunner, TorchRunner  # noqa: E402

import glassnet as gn  # noqa: E402

NUMPY_ONLY = "glassnet numpy-only"   # the same model with the optimizers' NumPy reference code


# ----------------------------------------------------------------------------- glassnet runner
class GlassnetRunner:
    """glassnet's ``Sequential.fit``, one epoch per call; ``fused=False`` runs the optimizer's
    NumPy reference code instead of the numba kernels of ``glassnet.accel``."""

    def __init__(self, layers, X, y, loss, optimizer, batch_size, dtype=np.float32,
                 iterations=None, seed=0, fused=True):
        self.model = gn.Sequential(layers, seed=seed, dtype=dtype)
        self.model.compile(loss=loss, optimizer=optimizer)
        self.X, self.y = X, y
        self.batch_size, self.iterations = batch_size, iterations
        self.fused = fused

    def accel_context(self):
        return contextlib.nullcontext() if self.fused else gn.accel.disabled()

    def start_kernels(self) -> float:
        """numba's one-time start-up (import, kernel loaded from its cache) for this optimizer,
        done before the timed epochs so that none of them pays it; returns its seconds."""
        if not self.model.built:
            self.model.build(self.X.shape[1:])
        return (_start_kernels(self.model.optimizer, self.model.dtype, self.accel_context(),
                               self.model.n_params)
                + _start_conv_kernels(self.model, self.accel_context()))

    def epoch(self):
        with self.accel_context():
            self._epoch()

    def _epoch(self):
        m = self.model
        if self.iterations is not None:
            m.fit(self.X, self.y, epochs=self.iterations, batch_size=None, verbose=0)
            m.epoch = 0
            return
        m.fit(self.X, self.y, epochs=m.epoch + 1, initial_epoch=m.epoch,
              batch_size=self.batch_size, verbose=0, seed=0)

    def accuracy(self, X, y):
        p = self.model.predict(X)
        pred = (p[:, 0] > 0.5).astype(int) if p.shape[1] == 1 else p.argmax(1)
        return float((pred == y).mean())


class GlassnetSklearnRunner(GlassnetRunner):
    """``glassnet.sklearn.MLPClassifier``, one epoch per ``partial_fit``."""

    def __init__(self, X, y, hidden, batch_size, lr):
        from glassnet.sklearn import MLPClassifier

        self.clf = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam",
                                 learning_rate_init=lr, batch_size=batch_size, alpha=0.0,
                                 random_state=0)
        self.X, self.y, self.classes = X, y, np.unique(y)

    def start_kernels(self) -> float:
        return _start_kernels(gn.optimizers.Adam(), np.float32, contextlib.nullcontext())

    def epoch(self):
        self.clf.partial_fit(self.X, self.y, classes=self.classes)

    def accuracy(self, X, y):
        return float((self.clf.predict(X) == y).mean())


class TorchThreads:
    """A PyTorch runner run with ``threads`` intra-op threads (set before each epoch: the
    setting is global to the process)."""

    def __init__(self, runner: TorchRunner, threads: int) -> None:
        self.runner, self.threads = runner, threads

    def epoch(self):
        self.runner.torch.set_num_threads(self.threads)
        self.runner.epoch()

    def accuracy(self, X, y):
        return self.runner.accuracy(X, y)


def torch_runners(make) -> dict[str, TorchThreads]:
    """PyTorch at all cores (``"pytorch"``) and at 1 thread: on tiny steps PyTorch's threads
    cost more than they give, and erratically, so glassnet is compared with the faster one."""
    cores = os.cpu_count() or 1
    runners = {"pytorch": TorchThreads(make(), cores)}
    if cores > 1:
        runners["pytorch 1 thread"] = TorchThreads(make(), 1)
    return runners


# ----------------------------------------------------------------------------- helpers
def gemm_peak(n: int = 2048, repeats: int = 5) -> float:
    """Measured float32 GEMM GFLOP/s of NumPy's BLAS on this machine (best of ``repeats``)."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = a.copy()
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def _kernel_name(optimizer) -> str:
    """The ``glassnet.accel`` kernel that ``optimizer`` runs."""
    name = type(optimizer).__name__.lower()
    return "sgd_momentum" if name == "sgd" and optimizer.momentum else name


def _start_kernels(optimizer, dtype, context, n_params: int | None = None) -> float:
    """Seconds to load the compiled kernel of ``optimizer`` for ``dtype`` (numba's import and
    the kernel from its cache), so that no timed epoch pays it or waits for the background
    loader. Nothing when the accelerator is off, or for a model of ``n_params`` below
    ``glassnet.accel.MIN_SIZE``, which never loads the kernels by itself."""
    if context is not None and not isinstance(context, contextlib.nullcontext):
        return 0.0                                  # numpy-only runner
    if not hasattr(gn.accel, "load"):               # an older glassnet (ab_compare's tree A)
        z = np.zeros(1, dtype=dtype)
        fresh = type(optimizer)(**optimizer.get_config())
        return _timed(lambda: fresh.step([z], [z.copy()]))
    if not gn.accel._enabled or (n_params is not None and n_params < gn.accel.MIN_SIZE):
        return 0.0
    return _timed(lambda: gn.accel.load([_kernel_name(optimizer)], [dtype]))


def _start_conv_kernels(model, context) -> float:
    """Seconds to load the compiled kernels of the convolution and pooling layers
    (``glassnet.conv.compiled``) for a model that has such layers; nothing for a numpy-only
    runner, another model, or a glassnet without them."""
    if context is not None and not isinstance(context, contextlib.nullcontext):
        return 0.0
    try:
        from glassnet.conv import compiled
    except ImportError:                             # an older glassnet (ab_compare's tree A)
        return 0.0
    image = (gn.layers.Conv2D, gn.layers.MaxPool2D)
    if not gn.accel._enabled or not any(isinstance(lay, image) for lay in model.layers):
        return 0.0
    return _timed(lambda: compiled.load([model.dtype]))


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def mlp_flops(sizes: list[int], n: int) -> float:
    """FLOPs of forward + backward of a dense net over n samples (GEMMs only)."""
    total = 0.0
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        total += 2 * n * a * b * (2 if i == 0 else 3)   # forward, dW, and dX except layer 0
    return total


def forward_backward_seconds(runner: GlassnetRunner) -> float:
    """Seconds one epoch of glassnet spends in forward + loss + backward alone (no update)."""
    m, X, y, bs = runner.model, runner.X, runner.y, runner.batch_size
    Xc, yc = m._check_Xy(X, y)
    order = np.random.default_rng(0).permutation(len(Xc))
    start = time.perf_counter()
    for i in range(0, len(Xc), bs):
        idx = order[i:i + bs]
        a = m._forward(Xc[idx], training=True)
        _, grad = m._loss_and_grad(a, yc[idx])
        m._backward(grad)
    return time.perf_counter() - start


def glassnet_memory(runner: GlassnetRunner) -> float:
    """MiB that one more glassnet epoch allocates at its peak (NumPy allocations are traced)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    runner.epoch()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2 ** 20


def mnist(n_train: int | None = None):
    (Xtr, ytr), _, (Xte, yte) = gn.datasets.load_mnist()
    if n_train is not None:
        Xtr, ytr = Xtr[:n_train], ytr[:n_train]
    return np.ascontiguousarray(Xtr), ytr, Xte, yte


# ----------------------------------------------------------------------------- workloads
def workload_toy(tiny: bool):
    X, y = gn.datasets.make_flower(400, seed=1)
    its = 200 if tiny else 10_000
    L = gn.layers
    runners = {
        "glassnet": GlassnetRunner(
            [L.Dense(40, "tanh", kernel_initializer="small_normal"),
             L.Dense(1, "sigmoid", kernel_initializer="small_normal")],
            X, y, "binary_crossentropy", gn.optimizers.SGD(lr=1.2), None, np.float64, its),
        **torch_runners(lambda: TorchRunner(
            lambda t: t.nn.Sequential(t.nn.Linear(2, 40), t.nn.Tanh(), t.nn.Linear(40, 1)),
            X, y, "bce", "sgd", 1.2, None, np.float64, iterations=its)),
        "sklearn": SklearnRunner(X, y, (40,), "tanh", "sgd", 1.2, 400, iterations=its),
        "numpy loop": PlainNumpyToy(X, y, iterations=its),
    }
    return runners, (X, y), None, "s per 10 000-step loop" if not tiny else "s per loop"


def workload_mlp_adam(tiny: bool, with_sklearn_wrapper: bool = False):
    Xtr, ytr, Xte, yte = mnist(2000 if tiny else None)
    L = gn.layers

    def glassnet(fused):
        return GlassnetRunner(
            [L.Dense(256, "relu", kernel_initializer="he_uniform"),
             L.Dense(128, "relu", kernel_initializer="he_uniform"), L.Dense(10, "softmax")],
            Xtr, ytr, "categorical_crossentropy", gn.optimizers.Adam(1e-3), 128, fused=fused)

    runners = {
        "glassnet": glassnet(True),
        NUMPY_ONLY: glassnet(False),
        **torch_runners(lambda: TorchRunner(
            lambda t: t.nn.Sequential(t.nn.Linear(784, 256), t.nn.ReLU(), t.nn.Linear(256, 128),
                                      t.nn.ReLU(), t.nn.Linear(128, 10)),
            Xtr, ytr, "ce", "adam", 1e-3, 128, np.float32)),
        "sklearn": SklearnRunner(Xtr, ytr, (256, 128), "relu", "adam", 1e-3, 128),
    }
    if with_sklearn_wrapper:
        runners = {"glassnet.sklearn": GlassnetSklearnRunner(Xtr, ytr, (256, 128), 128, 1e-3),
                   "sklearn": runners["sklearn"]}
    flops = mlp_flops([784, 256, 128, 10], len(Xtr))
    return runners, (Xte, yte), flops, "s/epoch"


def workload_mlp_sgd(tiny: bool):
    Xtr, ytr, Xte, yte = mnist(2000 if tiny else None)
    L = gn.layers

    def glassnet(fused):
        return GlassnetRunner([L.Dense(30, "sigmoid"), L.Dense(10, "softmax")], Xtr, ytr,
                              "categorical_crossentropy", gn.optimizers.SGD(lr=0.5), 10,
                              fused=fused)

    runners = {
        "glassnet": glassnet(True),
        NUMPY_ONLY: glassnet(False),
        **torch_runners(lambda: TorchRunner(
            lambda t: t.nn.Sequential(t.nn.Linear(784, 30), t.nn.Sigmoid(), t.nn.Linear(30, 10)),
            Xtr, ytr, "ce", "sgd", 0.5, 10, np.float32)),
        "sklearn": SklearnRunner(Xtr, ytr, (30,), "logistic", "sgd", 0.5, 10),
    }
    return runners, (Xte, yte), mlp_flops([784, 30, 10], len(Xtr)), "s/epoch"


def workload_cnn(tiny: bool):
    (Xtr, ytr), _, (Xte, yte) = gn.datasets.load_mnist(flatten=False)
    n = 500 if tiny else 10_000
    Xtr, ytr = np.ascontiguousarray(Xtr[:n]), ytr[:n]
    L = gn.layers
    runners = {
        "glassnet": GlassnetRunner(
            [L.Conv2D(8, 3, padding="same", activation="relu"), L.MaxPool2D(2),
             L.Conv2D(16, 3, padding="same", activation="relu"), L.MaxPool2D(2),
             L.Flatten(), L.Dense(10, "softmax")],
            Xtr, ytr, "categorical_crossentropy", gn.optimizers.Adam(1e-3), 64),
        **torch_runners(lambda: TorchRunner(
            lambda t: t.nn.Sequential(
                t.nn.Conv2d(1, 8, 3, padding=1), t.nn.ReLU(), t.nn.MaxPool2d(2),
                t.nn.Conv2d(8, 16, 3, padding=1), t.nn.ReLU(), t.nn.MaxPool2d(2),
                t.nn.Flatten(), t.nn.Linear(16 * 7 * 7, 10)),
            Xtr, ytr, "ce", "adam", 1e-3, 64, np.float32)),
    }
    return runners, (Xte, yte), None, "s/epoch on 10k"


def workload_cnn_acc(tiny: bool):
    (Xtr, ytr), _, (Xte, yte) = gn.datasets.load_mnist(flatten=False)
    n = 500 if tiny else len(Xtr)
    Xtr, ytr = np.ascontiguousarray(Xtr[:n]), ytr[:n]
    L = gn.layers
    runners = {
        "glassnet": GlassnetRunner(
            [L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPool2D(2),
             L.Conv2D(32, 5, padding="same", activation="relu"), L.MaxPool2D(2),
             L.Flatten(), L.Dense(128, "relu"), L.Dense(10, "softmax")],
            Xtr, ytr, "categorical_crossentropy", gn.optimizers.Adam(1e-3), 64),
        **torch_runners(lambda: TorchRunner(
            lambda t: t.nn.Sequential(
                t.nn.Conv2d(1, 16, 5, padding=2), t.nn.ReLU(), t.nn.MaxPool2d(2),
                t.nn.Conv2d(16, 32, 5, padding=2), t.nn.ReLU(), t.nn.MaxPool2d(2),
                t.nn.Flatten(), t.nn.Linear(32 * 7 * 7, 128), t.nn.ReLU(),
                t.nn.Linear(128, 10)),
            Xtr, ytr, "ce", "adam", 1e-3, 64, np.float32)),
    }
    return runners, (Xte, yte), None, "s/epoch on 50k"


WORKLOADS = {
    "toy": workload_toy,
    "mlp_adam": workload_mlp_adam,
    "mlp_sgd": workload_mlp_sgd,
    "cnn": workload_cnn,
    "cnn_acc": workload_cnn_acc,
    "sklearn": lambda tiny: workload_mlp_adam(tiny, with_sklearn_wrapper=True),
}


RSS_PROBED = ("mlp_adam", "mlp_sgd", "cnn")     # workloads whose peak RSS is measured


def run_first_fit(rounds: int, tiny: bool) -> dict:
    """BENCHMARKS.md's ``first_fit``: a fresh process's first ``fit`` of a 4-8-1 net, with
    numba usable and with ``GLASSNET_ACCEL=0`` (medians of ``rounds`` interleaved pairs, see
    ``bench_startup.py``); plus the 784-256-128-10 runs of that script unless ``tiny``."""
    import bench_startup

    models = ["tiny"] if tiny else ["tiny", "mlp", "mlp_long"]
    src = os.path.dirname(os.path.dirname(gn.__file__))
    res = bench_startup.main(["--rounds", str(rounds), "--src", src, "--models", *models])
    tiny_res = res["tiny"]
    runners = {
        "glassnet": {"median_s": tiny_res["numba_s"], "accuracy": float("nan"),
                     "ratio_glassnet_over_this": 1.0, "startup_tax_s": tiny_res["tax_s"],
                     "numba_imported": tiny_res["numba_imported"]},
        NUMPY_ONLY: {"median_s": tiny_res["numpy_s"], "accuracy": float("nan"),
                     "ratio_glassnet_over_this": tiny_res["numba_s"] / tiny_res["numpy_s"]},
    }
    return {"workload": "first_fit", "unit": "s of a fresh process's first fit, 4-8-1",
            "epochs": rounds, "runners": runners,
            "ratios": {f"glassnet / {NUMPY_ONLY}": tiny_res["numba_s"] / tiny_res["numpy_s"]},
            "startup": res}


def is_glassnet(key: str) -> bool:
    return key.startswith("glassnet")


def run(name: str, epochs: int, tiny: bool, peak: float) -> dict:
    runners, (Xte, yte), flops, unit = WORKLOADS[name](tiny)
    for key, r in runners.items():          # numba's start-up, before any timed epoch
        if is_glassnet(key):
            r.start_kernels()
    times: dict[str, list[float]] = {k: [] for k in runners}
    for _ in range(epochs):
        for key, r in runners.items():      # interleaved: A B C A B C ...
            times[key].append(_timed(r.epoch))
    result = {"workload": name, "unit": unit, "epochs": epochs, "runners": {}, "ratios": {}}
    ref = next(k for k in runners if is_glassnet(k))
    medians = {k: statistics.median(t) for k, t in times.items()}
    for key, r in runners.items():
        entry = {"median_s": medians[key], "times_s": times[key], "accuracy": r.accuracy(Xte, yte),
                 "ratio_glassnet_over_this": medians[ref] / medians[key]}
        if key == "glassnet" and flops is not None:
            fb = min(forward_backward_seconds(r) for _ in range(3))
            entry["gflops_forward_backward"] = flops / fb / 1e9
            entry["fraction_of_gemm_peak"] = flops / fb / 1e9 / peak
        result["runners"][key] = entry
    torch_keys = [k for k in runners if k.startswith("pytorch")]
    if torch_keys:
        result["pytorch_fastest"] = min(torch_keys, key=medians.__getitem__)
    for mine in filter(is_glassnet, runners):
        for peer in (k for k in runners if not is_glassnet(k) and k not in torch_keys):
            result["ratios"][f"{mine} / {peer}"] = medians[mine] / medians[peer]
        if torch_keys:          # against the faster of PyTorch's thread counts
            result["ratios"][f"{mine} / pytorch"] = (medians[mine]
                                                     / medians[result["pytorch_fastest"]])
    if "glassnet" in runners and name != "toy":
        result["runners"]["glassnet"]["epoch_alloc_mib"] = glassnet_memory(runners["glassnet"])
    if name in RSS_PROBED and sys.platform == "linux" and not tiny:
        for key in filter(is_glassnet, runners):
            rss = peak_rss_probe(name, tiny, key)
            result["runners"][key]["peak_rss_added_mib"] = rss["training"]
            result["runners"][key]["startup_rss_mib"] = rss["startup"]
            result["runners"][key]["startup_s"] = rss["startup_s"]
    return result


def print_table(results: list[dict], peak: float, setup: dict) -> None:
    print(f"\nmachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"NumPy {np.__version__} (OpenBLAS kernel {setup['openblas_kernel']}), float32 GEMM "
          f"peak {peak:.0f} GFLOP/s; glassnet.accel (numba) "
          f"{'on' if setup['accel'] else 'off'}")
    if setup.get("warning"):
        print(f"WARNING: {setup['warning']}")
    head = f"{'workload':<10} {'runner':<20} {'median':>9} {'accuracy':>9}  extra"
    print(head)
    print("-" * len(head))
    for res in results:
        for key, e in res["runners"].items():
            extra = []
            if "gflops_forward_backward" in e:
                extra.append(f"fwd+bwd {e['gflops_forward_backward']:.0f} GFLOP/s "
                             f"({100 * e['fraction_of_gemm_peak']:.0f}% of GEMM peak)")
            if "epoch_alloc_mib" in e:
                extra.append(f"+{e['epoch_alloc_mib']:.0f} MiB/epoch")
            if "startup_tax_s" in e:
                extra.append(f"start-up tax {e['startup_tax_s']:+.3f} s over numpy-only "
                             f"(numba imported in {e['numba_imported']} runs)")
            if "peak_rss_added_mib" in e:
                extra.append(f"training peak RSS +{e['peak_rss_added_mib']:.0f} MiB "
                             f"(start-up +{e['startup_rss_mib']:.0f} MiB, "
                             f"{e['startup_s']:.2f} s)")
            print(f"{res['workload']:<10} {key:<20} {e['median_s']:>8.3f}s "
                  f"{100 * e['accuracy']:>8.2f}%  {'; '.join(extra)}")
        ratios = "; ".join(f"{k} {v:.2f}" for k, v in res["ratios"].items())
        print(f"{'':<10} ({res['unit']}, median of {res['epochs']}) time ratios: {ratios}")


def blas_setup() -> dict:
    """Which OpenBLAS kernel NumPy runs, and a warning when the environment forces one."""
    setup = {"openblas_kernel": "unknown", "accel": gn.accel.enabled()}
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("internal_api") == "openblas" and "numpy" in info.get("filepath", ""):
                setup["openblas_kernel"] = info.get("architecture", "unknown")
    except ImportError:
        pass
    forced = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
              if k in os.environ}
    if forced:
        setup["warning"] = (f"{forced} is set, which forces NumPy's OpenBLAS onto another kernel "
                            "than this CPU's own (PyTorch's MKL is not affected); run as "
                            "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python "
                            "benchmarks/bench.py ...` to measure this machine")
    setup["forced_env"] = forced
    return setup


def peak_rss_probe(name: str, tiny: bool, runner: str) -> dict:
    """Peak RSS that training ``runner`` of workload ``name`` adds, measured in a fresh process.

    Once the data is loaded and the model built, the child first starts the optimizer's compiled
    kernel (numba's one-time start-up: importing it and loading the kernel from its cache), then
    resets the peak (``VmHWM``, Linux) and trains 2 epochs. Returns ``startup`` (MiB that the
    start-up added), ``startup_s`` (its seconds) and ``training`` (MiB: the peak during training
    minus the RSS before it).
    """
    here = os.path.dirname(os.path.abspath(__file__))
    code = (f"import sys, json; sys.path.insert(0, {here!r}); import bench; "
            f"print(json.dumps(bench._rss_child({name!r}, {tiny!r}, {runner!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _rss_child(name: str, tiny: bool, key: str) -> dict:
    import gc

    runners, *_ = WORKLOADS[name](tiny)
    runner = runners.pop(key)
    runners.clear()                                  # keep only this runner and its data
    gc.collect()
    before = _status_kib("VmRSS")
    startup_s = runner.start_kernels()
    loaded = _status_kib("VmRSS")
    with open("/proc/self/clear_refs", "w") as fh:   # reset the peak (VmHWM) to the current RSS
        fh.write("5")
    runner.epoch()
    runner.epoch()
    return {"startup": (loaded - before) / 1024, "startup_s": startup_s,
            "training": (_status_kib("VmHWM") - loaded) / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workloads", nargs="+",
                        help=f"any of {', '.join(WORKLOADS)}, first_fit or all")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs (toy: loops) per runner; default 5 (toy 3, mlp_adam 10, "
                             "cnn_acc 2)")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, to test the script")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    names = [*WORKLOADS, "first_fit"] if args.workloads == ["all"] else args.workloads
    for n in names:
        if n not in WORKLOADS and n != "first_fit":
            parser.error(f"unknown workload {n!r}; choose from {', '.join(WORKLOADS)}, "
                         f"first_fit or all")
    setup = blas_setup()
    if setup.get("warning"):
        print(f"WARNING: {setup['warning']}", file=sys.stderr)
    peak = gemm_peak(512 if args.tiny else 2048)
    results = []
    for n in names:
        default = {"toy": 3, "mlp_adam": 10, "cnn_acc": 2}.get(n, 5)
        epochs = args.epochs or (1 if args.tiny else default)
        if n == "first_fit":
            results.append(run_first_fit(args.epochs or (1 if args.tiny else 7), args.tiny))
            continue
        results.append(run(n, epochs, args.tiny, peak))
    print_table(results, peak, setup)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"gemm_peak_gflops": peak, "setup": setup, "results": results}, fh,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
