"""The value types of the BFCL port: one scored item, one verdict, and the two errors."""

from __future__ import annotations

from functools import cached_property

from fcbench.records import record


def language_of(category: str) -> str:
    """BFCL's test on the category name: "javascript" first (it contains "java")."""
    if "javascript" in category:
        return "javascript"
    return "java" if "java" in category else "python"


@record
class BfclEntry:
    """One BFCL single-turn item, as its question and possible-answer files give it.

    ``functions`` are the ORIGINAL docs (Java/JS type names such as ``ArrayList`` or ``Bigint``):
    BFCL's eval runner loads them without the language hint, so the checker sees those names
    and not the ``string`` the model was shown. ``ground_truth`` is
    ``[{function name: {param: [accepted values]}}]`` and ``[]`` for (ir)relevance items.

    Treat an entry as read-only: the checks prepared from its docs and gold are cached on it.
    """

    id: str
    category: str
    functions: list[dict]
    ground_truth: list[dict]

    @cached_property
    def docs_by_name(self) -> dict[str, dict]:
        """Doc lookup by name; the FIRST doc of a name wins, as in BFCL's linear search.

        ``cached_property`` writes straight into the instance ``__dict__``, which a frozen
        dataclass allows, so the index is built once per entry and not per answer.
        """
        index: dict[str, dict] = {}
        for doc in self.functions:
            index.setdefault(doc["name"], doc)
        return index

    @cached_property
    def language(self) -> str:
        return language_of(self.category)

    @cached_property
    def is_relevance(self) -> bool:
        """BFCL's test: "relevance" in the name (so "irrelevance" too)."""
        return "relevance" in self.category

    @cached_property
    def call_checks(self) -> dict:
        """Prepared per-gold-call checks (checker.py), filled on first use."""
        return {}


@record
class BfclVerdict:
    """BFCL's verdict on one answer.

    ``error_type`` is BFCL's own string (``ast_decoder:decoder_failed``, ``type_error:simple``,
    ``irrelevance_error:decoder_success``, ...) when ``valid`` is False, else None. The one
    string BFCL does not have is ``checker_error``: the answer made BFCL's checker raise (its
    eval runner does not catch that and would stop), and we report it as a failed answer.
    ``errors`` are human-readable details in our own words.
    """

    valid: bool
    error_type: str | None
    errors: tuple[str, ...] = ()


class BfclDecodeError(ValueError):
    """The answer does not decode where BFCL's decoder raises (BFCL: ``decoder_failed``)."""


class BfclUnavailable(RuntimeError):
    """tree-sitter (needed for Java/JavaScript prompt-style answers) is not installed."""
