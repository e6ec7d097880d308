"""Pathoscope's reassignment of reads that map to several references (PathoScope 2.0, Hong et al. 2014,
*Microbiome* 2:33), written from the paper, with Virtool's reporting of it.

**Model.** Each read r aligns to a set of reference sequences j with Bowtie2 scores. A score becomes a
likelihood q_rj as PathoScope does: s = AS + read length, rescaled to exp(100 s / max s) and normalised over
the read's alignments. Two parameters are estimated by EM: pi_j, the share of reads that come from j, and
theta_j, how much of j's evidence explains reads that map to several references. Each E step gives each of
a read's references its posterior x_rj ∝ pi_j theta_j q_rj; each M step sets pi_j to the mean of x_rj over all
reads, and theta_j to its mean over the reads that map to more than one reference. Each read counts once, as
in the paper's model (PathoScope's and Virtool's code weight each read by its exponentiated best score, which
lets a read's sequencing errors change how much it counts: our accuracy tests measure read shares). The EM
stops when pi moves less than `EPSILON` in total, or after `MAX_ITERATIONS`.

**Reads with one profile are one.** Reads whose references and scores are the same behave the same in every
step, so the EM works on the distinct profiles with their counts: memory grows with the number of distinct
profiles, not of reads.

**Reported** (as Virtool reports it) for each sequence: `pi` (final: after EM; initial: after its first
iteration), `best` (the share of reads whose highest posterior is this sequence, ties split), `high` and `low`
(the share of reads best assigned to it with a posterior of at least 0.5, or between 0.01 and 0.5) and
`reads` (the reads best assigned to it), computed once from the alignment likelihoods alone (`initial`) and
once from the posteriors (`final`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MAX_ITERATIONS = 50
EPSILON = 1e-7
HIGH = 0.5
LOW = 0.01
"""Posteriors at least this high put a read's alignment in the reassigned alignments (coverage)."""

Profile = tuple[tuple[int, int], ...]
"""A read's alignments: `(reference index, score)` for each reference, sorted, best score per reference."""


@dataclass
class Scores:
    pi: npt.NDArray[np.float64]
    best: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    low: npt.NDArray[np.float64]
    reads: npt.NDArray[np.float64]


@dataclass
class Reassignment:
    initial: Scores
    final: Scores
    posteriors: dict[int, dict[int, float]]
    """By profile number (`Profiles.number`), each of its references' posterior."""
    read_count: int


class Profiles:
    """Distinct read profiles and how many reads have each."""

    def __init__(self) -> None:
        self.numbers: dict[Profile, int] = {}
        self.profiles: list[Profile] = []
        self.counts: list[int] = []

    def number(self, alignments: Iterable[tuple[int, int]]) -> int:
        """The number of the profile of a read with these `(reference index, score)` alignments (the best
        score per reference counts); a new profile is numbered next, with no read counted yet."""
        best: dict[int, int] = {}
        for reference, score in alignments:
            if score > best.get(reference, -1):
                best[reference] = score
        profile = tuple(sorted(best.items()))
        number = self.numbers.get(profile)
        if number is None:
            number = self.numbers[profile] = len(self.profiles)
            self.profiles.append(profile)
            self.counts.append(0)
        return number

    def add(self, alignments: Iterable[tuple[int, int]]) -> int:
        """Count a read with these alignments; its profile's number."""
        number = self.number(alignments)
        self.counts[number] += 1
        return number


def _flatten(profiles: Profiles) -> tuple[npt.NDArray[np.int64], ...]:
    """Per alignment of each profile with reads: its profile's number, its reference, its score; per such
    profile: its number among all profiles and its count."""
    profile_of: list[int] = []
    references: list[int] = []
    scores: list[int] = []
    numbers: list[int] = []
    counts: list[int] = []
    for number, (profile, count) in enumerate(zip(profiles.profiles, profiles.counts, strict=True)):
        if count == 0:
            continue
        for reference, score in profile:
            profile_of.append(len(counts))
            references.append(reference)
            scores.append(score)
        numbers.append(number)
        counts.append(count)
    return (np.array(profile_of), np.array(references), np.array(scores), np.array(numbers), np.array(counts))


def _per_profile_max(
    values: npt.NDArray[np.float64], profile_of: npt.NDArray[np.int64], n: int
) -> npt.NDArray:
    result = np.full(n, -np.inf)
    np.maximum.at(result, profile_of, values)
    return result


def _normalised(weights: npt.NDArray[np.float64], profile_of: npt.NDArray[np.int64], n: int) -> npt.NDArray:
    sums = np.bincount(profile_of, weights=weights, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sums[profile_of] > 0, weights / sums[profile_of], 0.0)


def _scores(
    x: npt.NDArray[np.float64],
    pi: npt.NDArray[np.float64],
    profile_of: npt.NDArray[np.int64],
    references: npt.NDArray[np.int64],
    counts: npt.NDArray[np.int64],
    reference_count: int,
) -> Scores:
    """Best-hit, high- and low-confidence shares of each reference, from posteriors (or likelihoods) `x`."""
    n = len(counts)
    best_x = _per_profile_max(x, profile_of, n)
    is_best = x >= best_x[profile_of]
    ties = np.bincount(profile_of, weights=is_best.astype(float), minlength=n)
    weight = counts[profile_of].astype(float)
    total = float(counts.sum()) or 1.0
    best_reads = np.bincount(
        references, weights=np.where(is_best, weight / ties[profile_of], 0.0), minlength=reference_count
    )
    high = np.bincount(
        references, weights=np.where(is_best & (x >= HIGH), weight, 0.0), minlength=reference_count
    )
    low = np.bincount(
        references,
        weights=np.where(is_best & (x < HIGH) & (x >= LOW), weight, 0.0),
        minlength=reference_count,
    )
    return Scores(
        pi=pi, best=best_reads / total, high=high / total, low=low / total, reads=best_reads.astype(float)
    )


def reassign(profiles: Profiles, reference_count: int) -> Reassignment:
    """Run the EM over the reads' profiles; the initial and final scores of each reference."""
    profile_of, references, raw_scores, numbers, counts = _flatten(profiles)
    n = len(counts)
    if n == 0:
        empty = Scores(*(np.zeros(reference_count) for _ in range(5)))
        return Reassignment(empty, empty, {}, 0)
    # Likelihoods, computed in log space: exp(100 s / max s) overflows nothing once each read's best is 0.
    rescaled = raw_scores.astype(float) * (100.0 / max(float(raw_scores.max()), 1.0))
    q = _normalised(np.exp(rescaled - _per_profile_max(rescaled, profile_of, n)[profile_of]), profile_of, n)
    weight = counts[profile_of].astype(float)
    multi = (np.bincount(profile_of, minlength=n) > 1)[profile_of]
    total = float(counts.sum())
    multi_total = float(weight[multi].sum()) or 1.0
    pi = np.full(reference_count, 1.0 / reference_count)
    theta = pi.copy()
    initial_pi = pi
    x = q
    for iteration in range(MAX_ITERATIONS):
        # theta weighs only the references of reads that map to several: a read that maps once is its own.
        x = _normalised(pi[references] * np.where(multi, theta[references], 1.0) * q, profile_of, n)
        new_pi = np.bincount(references, weights=weight * x, minlength=reference_count) / total
        theta = np.bincount(references, weights=np.where(multi, weight * x, 0.0), minlength=reference_count)
        theta = theta / multi_total
        moved = float(np.abs(new_pi - pi).sum())
        pi = new_pi
        if iteration == 0:
            initial_pi = pi
        if moved <= EPSILON or not multi.any():
            break
    starts = np.flatnonzero(np.r_[True, profile_of[1:] != profile_of[:-1]])
    posteriors = {}
    for number, start in zip(numbers.tolist(), starts.tolist(), strict=True):
        size = len(profiles.profiles[number])
        posteriors[number] = {int(references[start + k]): float(x[start + k]) for k in range(size)}
    return Reassignment(
        initial=_scores(q, initial_pi, profile_of, references, counts, reference_count),
        final=_scores(x, pi, profile_of, references, counts, reference_count),
        posteriors=posteriors,
        read_count=int(total),
    )
