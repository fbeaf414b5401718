"""prf, LCS, multiset counts, sequence alignment and accuracies, macro F1."""

import pytest

from fcbench.scoring import taxonomy
from fcbench.scoring.metrics import (
    full_sequence_match,
    lcs_length,
    lcs_similarity,
    macro_f1_over_sets,
    multiset_counts,
    partial_sequence_accuracy,
    prf,
)
from fcbench.scoring.sequences import align


def test_taxonomy_lists_every_category_once():
    assert len(taxonomy.ALL) == len(set(taxonomy.ALL)) == 22
    assert taxonomy.ordered(["wrong_value", "no_call", "wrong_value"]) == ("no_call", "wrong_value")


@pytest.mark.parametrize("counts,expected,why", [
    ((2, 0, 0), (1.0, 1.0, 1.0), "perfect"),
    ((1, 1, 1), (0.5, 0.5, 0.5), "half"),
    ((0, 0, 0), (1.0, 1.0, 1.0), "nothing to find, nothing predicted"),
    ((0, 2, 0), (0.0, 1.0, 0.0), "only false positives"),
])
def test_prf(counts, expected, why):
    assert prf(*counts) == pytest.approx(expected), why


@pytest.mark.parametrize("a,b,n,why", [
    ("abc", "abc", 3, "identical"), ("abc", "acb", 2, "one swap"), ("", "abc", 0, "empty"),
    ("axbyc", "abc", 3, "subsequence with gaps"),
])
def test_lcs(a, b, n, why):
    assert lcs_length(list(a), list(b)) == n, why


def test_lcs_similarity_and_custom_equality():
    assert lcs_similarity("ab", "ba") == 0.5
    assert lcs_similarity("", "") == 1.0
    assert lcs_length([1, 2], [10, 20], lambda x, y: x * 10 == y) == 2


def test_multiset_counts():
    assert multiset_counts(["f", "f", "g"], ["f", "h"]) == (1, 2, 1)


@pytest.mark.parametrize("pred,gold,expected,why", [
    ("ab", "ab", [(0, 0), (1, 1)], "same names pair up position by position"),
    ("ax", "ay", [(0, 0), (1, 1)], "equal lengths: a different name is a substitution"),
    ("xab", "ab", [(0, None), (1, 0), (2, 1)], "an extra call leaves a blank, no shift"),
    ("b", "ab", [(None, 0), (0, 1)], "a missing call leaves a blank"),
    ("ba", "ab", [(0, None), (1, 0), (None, 1)], "swapped calls: one pairs, the other side is blank"),
    ("", "ab", [(None, 0), (None, 1)], "nothing predicted"),
])
def test_align(pred, gold, expected, why):
    assert align(list(pred), list(gold)) == expected, why


def test_sequence_accuracies():
    assert partial_sequence_accuracy([True, False, True, True]) == 0.75
    assert not full_sequence_match([True, False])
    assert full_sequence_match([True, True])


def test_macro_f1_over_sets_is_nestful_style():
    samples = [({"f"}, {"f"}), ({"g"}, {"f"})]
    # f: tp=1 fn=1 -> 2/3; g: fp=1 -> 0; macro = 1/3
    assert macro_f1_over_sets(samples) == pytest.approx(1 / 3)
    assert macro_f1_over_sets([]) == 1.0


def test_align_prefers_one_same_name_pair_over_many_substitutions():
    # Five substitutions would pair everything; lining up the two "a" calls matters more.
    assert (0, 4) in align(list("acccc"), list("dddda"))
