"""``glassnet train``: a network of any shape on a built-in data set or on a CSV file.

The features are standardised on the training split (the scaler, the column names and the class
names are saved next to the model in ``model.preprocessing.json``, which ``glassnet predict``
reads). Two classes get a sigmoid output and binary cross-entropy, more
classes a softmax output and categorical cross-entropy, a regression target (standardised too)
a linear output and the mean squared error.
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.cli import _preprocessing
from glassnet.cli._common import (
    DATASETS,
    CLIError,
    EpochProgress,
    Outputs,
    UsageError,
    choice_of,
    classification_scores,
    format_confusion,
    format_table,
    fraction,
    int_list,
    load_dataset,
    name_list,
    non_negative_float,
    non_negative_int,
    positive_float,
    positive_int,
    seconds,
    status,
    use_agg,
)
from glassnet.cli._pictures import draw_train_pictures

ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid")
OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad")
#: Learning rate of each optimizer when --lr is not given.
DEFAULT_LR = {"sgd": 0.5, "adam": 0.01, "rmsprop": 0.01, "adagrad": 0.1}

EXAMPLE = """\
examples:
  glassnet train --dataset moons --layers 40,20 --activation relu --optimizer adam
  glassnet train --dataset spirals --layers 64,64 --epochs 2000 --batch-size 32
  glassnet train --csv iris.csv --target species --out iris-run
  glassnet train --csv houses.csv --target price --task regression --lr 0.003
  glassnet train --csv patients.csv --target diagnosis --exclude id,name

A CSV file needs a header row and numeric features; the target may hold class names, integer
classes or (with --task regression) real numbers.
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``train`` on the sub-command parsers ``sub``."""
    p = sub.add_parser(
        "train", help="train a network on a built-in data set or on your own CSV file",
        description="Train a fully connected network and write its metrics, the pictures that "
                    "fit the data (decision boundary and hidden units for 2 features) and the "
                    "saved model.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    data = p.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", type=choice_of([*DATASETS, "iris"], "dataset"),
                        default=None, metavar="{" + ",".join([*DATASETS, "iris"]) + "}",
                        help="built-in data set (default: flower)")
    source.add_argument("--csv", metavar="FILE", help="your own CSV file with a header row")
    data.add_argument("--target", metavar="COLUMN", help="target column of the CSV file")
    data.add_argument("--features", type=name_list, metavar="COLS",
                      help="comma-separated feature columns (default: all but the target)")
    data.add_argument("--exclude", type=name_list, metavar="COLS",
                      help="comma-separated columns to leave out of the features")
    data.add_argument("--task", choices=("auto", "classification", "regression"),
                      default="auto", help="what to predict (default: auto, classes only)")
    data.add_argument("--delimiter", default=",", help="CSV field separator (default: ,)")
    data.add_argument("--test-size", type=fraction, default=0.2, metavar="F",
                      help="share of the samples held out for testing (default: 0.2)")
    net = p.add_argument_group("network and training")
    net.add_argument("--layers", type=int_list, default=(40,), metavar="N,N,...",
                     help="hidden layer sizes, e.g. 40,20 (default: 40)")
    net.add_argument("--activation", choices=ACTIVATIONS, default="tanh",
                     help="activation of the hidden layers (default: tanh)")
    net.add_argument("--optimizer", choices=OPTIMIZERS, default="adam",
                     help="optimizer (default: adam)")
    net.add_argument("--lr", type=positive_float, default=None,
                     help="learning rate (default: " + ", ".join(
                         f"{k} {v:g}" for k, v in DEFAULT_LR.items()) + ")")
    net.add_argument("--batch-size", type=positive_int, default=None, metavar="N",
                     help="samples per update (default: the full training set)")
    net.add_argument("--epochs", type=positive_int, default=1000, metavar="N",
                     help="passes over the training set (default: 1000)")
    net.add_argument("--l2", type=non_negative_float, default=0.0,
                     help="L2 penalty on the weights (default: 0)")
    net.add_argument("--seed", type=non_negative_int, default=0,
                     help="seed of the split, the weights and the shuffling (default: 0)")
    p.add_argument("--out", default="glassnet-train", metavar="DIR",
                   help="folder for the files (default: ./glassnet-train)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or messages")
    p.add_argument("--diagnose", action="store_true",
                   help="after training, print what gn.diagnose finds wrong with the network")
    p.set_defaults(run=run)
    return p


@dataclass
class Problem:
    """What to learn: features, targets and how to show them."""

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: list[str]
    target: str = "class"
    classes: list = field(default_factory=list)
    rows: np.ndarray | None = None           # row label of each sample in predictions.csv
    row_header: str = "index"
    other_columns: list[str] = field(default_factory=list)   # the file's non-feature columns


def load_problem(args: argparse.Namespace) -> Problem:
    """The data of ``args``: a CSV file or a built-in data set."""
    if args.csv is not None:
        if args.target is None:
            raise UsageError("--csv needs --target COLUMN, the column to predict")
        from glassnet.cli._csv import read_csv

        d = read_csv(args.csv, args.target, args.features, args.task, args.delimiter,
                     exclude=args.exclude)
        return Problem(name=str(args.csv), X=d.X, y=d.y, task=d.task,
                       feature_names=d.feature_names, target=d.target, classes=d.classes,
                       rows=d.lines, row_header="line", other_columns=d.other_columns)
    for flag, value in (("--target", args.target), ("--features", args.features),
                        ("--exclude", args.exclude)):
        if value is not None:
            raise UsageError(f"{flag} goes with --csv FILE")
    if args.task == "regression":
        raise UsageError("--task regression needs --csv FILE with a continuous target; the "
                         "built-in data sets are classification problems")
    name = args.dataset or "flower"
    if name == "iris":
        from glassnet.datasets import load_iris

        X, y, features, classes = load_iris(return_names=True)
        return Problem(name="iris", X=X, y=y, task="classification",
                       feature_names=list(features), target="species", classes=list(classes),
                       rows=np.arange(len(X)))
    X, y = load_dataset(name)
    return Problem(name=name, X=X, y=y, task="classification", feature_names=["x1", "x2"],
                   classes=[int(c) for c in np.unique(y)], rows=np.arange(len(X)))


def build_model(args: argparse.Namespace, n_outputs: int, task: str):
    """Hidden ``Dense`` layers from ``--layers`` and the output layer that fits the task."""
    from glassnet import Sequential, optimizers
    from glassnet.layers import Dense

    init = "he_normal" if args.activation in ("relu", "leaky_relu") else "glorot_uniform"
    layers = [Dense(units, activation=args.activation, kernel_initializer=init, l2=args.l2)
              for units in args.layers]
    if task == "regression":
        layers.append(Dense(1, l2=args.l2))
        loss, metrics = "mse", ["mae"]
    elif n_outputs == 2:
        layers.append(Dense(1, activation="sigmoid", l2=args.l2))
        loss, metrics = "binary_crossentropy", ["accuracy"]
    else:
        layers.append(Dense(n_outputs, activation="softmax", l2=args.l2))
        loss, metrics = "categorical_crossentropy", ["accuracy"]
    lr = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
    model = Sequential(layers, seed=args.seed, name="glassnet_train")
    model.compile(loss=loss, optimizer=optimizers.get(args.optimizer, lr=lr), metrics=metrics)
    return model, lr


def run(args: argparse.Namespace) -> int:
    """Run ``glassnet train``; returns the exit code."""
    use_agg()
    from glassnet.datasets import StandardScaler, train_test_split

    t_start = time.perf_counter()
    quiet = args.quiet
    prob = load_problem(args)
    regression = prob.task == "regression"
    k = len(prob.classes)
    index = np.arange(len(prob.X))
    stratify = None
    if not regression and np.bincount(prob.y).min() >= 2:
        n_test = int(np.ceil(args.test_size * len(prob.y)))
        if min(n_test, len(prob.y) - n_test) >= k:
            stratify = prob.y
    Xtr, Xte, ytr, yte, itr, ite = train_test_split(prob.X, prob.y, index,
                                                    test_size=args.test_size, seed=args.seed,
                                                    stratify=stratify)
    if args.batch_size is not None and args.batch_size > len(Xtr):
        raise CLIError(f"--batch-size {args.batch_size} is larger than the training set "
                       f"({len(Xtr)} samples)")
    scaler = StandardScaler().fit(Xtr)
    Xtr_s, Xte_s = scaler.transform(Xtr), scaler.transform(Xte)
    if regression:
        y_mean, y_scale = float(ytr.mean()), float(ytr.std()) or 1.0
        ytr_fit, yte_fit = (ytr - y_mean) / y_scale, (yte - y_mean) / y_scale
    else:
        ytr_fit, yte_fit = ytr, yte

    model, lr = build_model(args, k, prob.task)
    sizes = "-".join(str(s) for s in (prob.X.shape[1], *args.layers,
                                       1 if regression or k == 2 else k))
    batch = "full batch" if args.batch_size is None else f"batch {args.batch_size}"
    what = "regression" if regression else f"{k} classes"
    d = prob.X.shape[1]
    header = (f"glassnet train: {prob.name} ({len(Xtr)} train / {len(Xte)} test samples, "
              f"{d} feature{'s' if d != 1 else ''}, {what}); network {sizes} ({args.activation}), "
              f"{args.optimizer} lr={lr:g}, {batch}, {args.epochs} epochs, seed {args.seed}")
    print(header, flush=True)

    out = Outputs(args.out)
    progress = EpochProgress(args.epochs, "Training", enabled=not quiet)
    t0 = time.perf_counter()
    try:
        history = model.fit(Xtr_s, ytr_fit, epochs=args.epochs, batch_size=args.batch_size,
                            validation_data=(Xte_s, yte_fit), seed=args.seed, verbose=0,
                            callbacks=[progress])
    finally:
        progress.close()
    t_fit = seconds(t0)
    if args.diagnose:
        from glassnet.diagnostics.diagnose import report_text

        print(report_text(model, Xtr_s, ytr_fit), flush=True)

    X_all_s = scaler.transform(prob.X)
    raw = model.predict(X_all_s).astype(np.float64)
    if regression:
        pred_all = raw[:, 0] * y_scale + y_mean
    elif k == 2:
        pred_all = (raw[:, 0] > 0.5).astype(np.int64)
    else:
        pred_all = raw.argmax(axis=1)
    pred_tr, pred_te = pred_all[itr], pred_all[ite]

    if regression:
        scores, report = _regression_report(ytr, pred_tr, yte, pred_te)
    else:
        scores, report = _classification_report(prob, ytr, pred_tr, yte, pred_te)
    print(report, flush=True)

    status("Drawing the pictures...", quiet)
    draw_train_pictures(out, prob, model, scaler, history, scores, pred_all, itr, ite)
    model.save(out.path("model.glassnet"))
    _write_predictions(out, prob, pred_all, ite)
    _preprocessing.save(_preprocessing.Preprocessing(
        features=prob.feature_names, feature_mean=scaler.mean_.tolist(),
        feature_scale=scaler.scale_.tolist(), target=prob.target, task=prob.task,
        classes=prob.classes, target_mean=y_mean if regression else None,
        target_scale=y_scale if regression else None, other_columns=prob.other_columns),
        out.path("model" + _preprocessing.SUFFIX))
    summary = [header, report, model.summary(print_fn=None)]
    if not regression:
        from glassnet.metrics import classification_report

        summary.append("Test set:\n" + classification_report(
            yte, pred_te, labels=list(range(k)), target_names=[str(c) for c in prob.classes],
            digits=4))
    out.write_text("summary.txt", "\n\n".join(summary))
    result = {
        "command": "train", "data": prob.name, "task": prob.task, "target": prob.target,
        "features": prob.feature_names, "classes": prob.classes,
        "n_train": len(Xtr), "n_test": len(Xte), "seed": args.seed,
        "network": {"layers": [int(s) for s in sizes.split("-")],
                    "activation": args.activation, "loss": model.loss.name,
                    "optimizer": args.optimizer, "lr": lr, "epochs": args.epochs,
                    "batch_size": args.batch_size or "full", "l2": args.l2,
                    "final_loss": history.history["loss"][-1], "seconds": t_fit},
        "scores": scores,
    }
    out.path("metrics.json")
    result["files"] = [p.name for p in out.files]
    result["seconds_total"] = seconds(t_start)
    out.write_json("metrics.json", result)
    print(out.listing())
    return 0


def _classification_report(prob: Problem, ytr, pred_tr, yte, pred_te):
    from glassnet import metrics

    k = len(prob.classes)
    scores: dict[str, Any] = {
        "train": classification_scores(ytr, pred_tr, k),
        "test": classification_scores(yte, pred_te, k),
        "average": (f"binary, positive class {np.asarray(prob.classes[1]).item()!r}"
                    if k == 2 else "macro"),
    }
    labels = list(range(k))
    for split, (t, p) in {"train": (ytr, pred_tr), "test": (yte, pred_te)}.items():
        scores[f"confusion_matrix_{split}"] = metrics.confusion_matrix(t, p, labels=labels
                                                                       ).tolist()
    table = format_table(["split", "accuracy", "precision", "recall", "F1"],
                         [[split, *(scores[split][m] for m in ("accuracy", "precision",
                                                               "recall", "f1"))]
                          for split in ("train", "test")])
    cm = format_confusion(np.array(scores["confusion_matrix_test"]), prob.classes,
                          "Confusion matrix on the test set (rows: true class, columns: "
                          "predicted class)")
    avg = scores["average"]
    return scores, f"{table}\n(precision, recall, F1: {avg})\n\n" + "\n".join(cm)


def _regression_report(ytr, pred_tr, yte, pred_te):
    from glassnet import metrics

    scores = {split: {"mse": float(metrics.mean_squared_error(t, p)),
                      "mae": float(metrics.mean_absolute_error(t, p)),
                      "r2": float(metrics.r2_score(t, p))}
              for split, (t, p) in {"train": (ytr, pred_tr), "test": (yte, pred_te)}.items()}
    table = format_table(["split", "MSE", "MAE", "R²"],
                         [[s, scores[s]["mse"], scores[s]["mae"], scores[s]["r2"]]
                          for s in ("train", "test")])
    return scores, table


def _write_predictions(out: Outputs, prob: Problem, pred_all: np.ndarray, ite) -> None:
    """predictions.csv: every sample with its split, its target and the prediction."""
    test = np.zeros(len(pred_all), dtype=bool)
    test[ite] = True
    regression = prob.task == "regression"
    with out.path("predictions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([prob.row_header, "split", prob.target, "predicted"])
        for i in range(len(pred_all)):
            if regression:
                truth, pred = f"{prob.y[i]:.6g}", f"{pred_all[i]:.6g}"
            else:
                truth, pred = prob.classes[prob.y[i]], prob.classes[pred_all[i]]
            w.writerow([int(prob.rows[i]), "test" if test[i] else "train", truth, pred])
