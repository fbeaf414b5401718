"""BERTScore of a reply against the reference reply, with a model the user has locally.

Optional twice over: the ``bert-score`` package (``pip install 'fcbench[bert-score]'``, which
brings torch and transformers) and a local model folder (fcbench never downloads one),
named by ``fcbench run --bertscore-model PATH`` or the environment variable
``FCBENCH_BERTSCORE_MODEL``. ``FCBENCH_BERTSCORE_LAYERS`` picks the hidden layer whose
embeddings are compared; by default bert-score's recommended layer when the folder is named
after a model it knows (``roberta-large`` -> 17, as in the BERTScore paper), else the
model's last layer. No baseline rescaling (that file would be a download).

Without a model named, ``bertscore_f1`` is simply absent; with one named but unusable (no
package, not a folder, a load error) one line on stderr says why, once, and the run goes on
without it. Either way the run's results say how to get it (`Metric.needs`).

The model is read from the environment where response_generation scores (the option sets the
variable for the process). It is not part of the run's fingerprint, but ``run.json`` records
the folder (``bertscore_model``) and ``--resume`` keeps it: a resumed run that named another
model is refused, since two models' scores would be averaged into one ``bertscore_f1``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from fcbench.scoring.metrics import Metric

MODEL_ENV = "FCBENCH_BERTSCORE_MODEL"
LAYERS_ENV = "FCBENCH_BERTSCORE_LAYERS"
BERTSCORE_NEED = (f"pip install 'fcbench[bert-score]' and name a local model folder "
                  f"(fcbench run --bertscore-model PATH, or {MODEL_ENV}=PATH)")

BERTSCORE_F1: Metric = Metric("bertscore_f1", "mean", True, "BERTScore F1 vs the reference reply",
                              needs=BERTSCORE_NEED)

#: scores a reply against a reference: BERTScore F1 in [0, 1] (about; without rescaling)
ReplyScorer = Callable[[str, str], float]


def configured_scorer() -> ReplyScorer | None:
    """The scorer for the model the environment names (None when none is named or it is unusable)."""
    path = os.environ.get(MODEL_ENV, "").strip()
    if not path:
        return None
    return _scorer_for(path, os.environ.get(LAYERS_ENV, "").strip())


@functools.lru_cache(maxsize=4)
def _scorer_for(path: str, layers: str) -> ReplyScorer | None:
    """Loaded once per (model, layer); a failure is said once on stderr and gives None."""
    try:
        return load_scorer(Path(path), int(layers) if layers else None)
    except (ImportError, OSError, ValueError) as exc:
        print(f"fcbench: BERTScore is off ({exc}); the run goes on without it", file=sys.stderr)
        return None


def load_scorer(model_dir: Path, layers: int | None = None) -> ReplyScorer:
    """bert-score over the model in `model_dir`; raises ImportError/OSError/ValueError saying what is missing."""
    if not model_dir.is_dir():
        raise OSError(f"{model_dir} is not a local model folder")
    try:
        import bert_score
    except ImportError:
        raise ImportError("the bert-score package is not installed: pip install 'fcbench[bert-score]'") from None
    scorer = bert_score.BERTScorer(model_type=str(model_dir), num_layers=layers or default_layer(model_dir))

    def score(reply: str, reference: str) -> float:
        if not reply.strip():
            return 0.0
        _, _, f1 = scorer.score([reply], [reference])
        return float(f1[0])

    return score


def default_layer(model_dir: Path) -> int:
    """bert-score's recommended layer for a model it knows by the folder's name, else the last layer."""
    try:
        from bert_score.utils import model2layers
    except ImportError:
        model2layers = {}
    if model_dir.name in model2layers:
        return int(model2layers[model_dir.name])
    config = model_dir / "config.json"
    try:
        return int(json.loads(config.read_text(encoding="utf-8"))["num_hidden_layers"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ValueError(f"{config}: no num_hidden_layers; set {LAYERS_ENV}=N") from None
