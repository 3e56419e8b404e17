"""Which juror scores which idea: a pure function over ids, no database.

The rules, in order of strength:

1. Hard exclusions are never broken: a juror never gets an idea of their own team
   or one they declared a conflict with (an excluded fixed pair is dropped too).
2. Fixed pairs (the officials' manual assignments) are kept.
3. Every idea gets ``min(k, eligible jurors)`` jurors (more if fixed pairs say so).
4. Loads are balanced: about N·k/J ideas each, max − min ≤ 1 where the exclusions
   and fixed pairs allow it.
5. The juror–idea graph is connected when possible, so that every juror's scores
   can be compared with every other's through shared ideas (normalisation needs
   it). A balanced greedy fill comes first; then swaps of two pairs between
   components, which keep every load and every idea's count, join the components.

Deterministic for a given seed: every loop runs over sorted ids and ties are
broken by one seeded shuffle.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

Pair = tuple[int, int]
"""(juror_id, idea_id)"""
MAX_SWAP_TRIALS = 2000
"""Connectivity repair: at most this many swaps are tried (each costs one pass)."""


@dataclass(frozen=True)
class Plan:
    pairs: frozenset[Pair]
    short: tuple[int, ...]  # ideas with fewer than k jurors (not enough eligible jurors)
    components: int  # connected groups of jurors and ideas (1 = connected)

    @property
    def connected(self) -> bool:
        return self.components <= 1


def components(pairs: Iterable[Pair]) -> int:
    """The number of connected components of the juror–idea graph (union-find)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for juror, idea in pairs:
        parent[find(("j", juror))] = find(("i", idea))
    return len({find(node) for node in list(parent)})


def _labels(pairs: Iterable[Pair]) -> dict[Pair, int]:
    """Each pair's component number."""
    adjacency: dict[tuple[str, int], list[tuple[str, int]]] = defaultdict(list)
    pairs = sorted(pairs)
    for juror, idea in pairs:
        adjacency["j", juror].append(("i", idea))
        adjacency["i", idea].append(("j", juror))
    label: dict[tuple[str, int], int] = {}
    for start in sorted(adjacency):
        if start in label:
            continue
        number = len(set(label.values()))
        stack = [start]
        label[start] = number
        while stack:
            node = stack.pop()
            for other in adjacency[node]:
                if other not in label:
                    label[other] = number
                    stack.append(other)
    return {pair: label["j", pair[0]] for pair in pairs}


def plan(
    ideas: Iterable[int],
    jurors: Iterable[int],
    k: int,
    exclusions: set[Pair] | frozenset[Pair] = frozenset(),
    fixed: set[Pair] | frozenset[Pair] = frozenset(),
    seed: int = 0,
) -> Plan:
    """The assignment with its report (see the module docstring)."""
    ideas = sorted(set(ideas))
    jurors = sorted(set(jurors))
    rng = random.Random(seed)  # noqa: S311 - reproducible tie-breaks, not secrets
    tiebreak = {juror: rng.random() for juror in jurors}
    idea_set, juror_set = set(ideas), set(jurors)
    pairs = {
        (j, i) for j, i in fixed if j in juror_set and i in idea_set and (j, i) not in exclusions
    }
    eligible = {i: [j for j in jurors if (j, i) not in exclusions] for i in ideas}
    load = dict.fromkeys(jurors, 0)
    on_idea: dict[int, set[int]] = {i: set() for i in ideas}
    for j, i in pairs:
        load[j] += 1
        on_idea[i].add(j)

    # 1. Greedy: the most constrained ideas first, each slot to the least loaded juror.
    order = sorted(ideas, key=lambda i: (len(eligible[i]), rng.random()))
    short = []
    for idea in order:
        want = min(k, len(eligible[idea]))
        if want < k:
            short.append(idea)
        while len(on_idea[idea]) < want:
            juror = min(
                (j for j in eligible[idea] if j not in on_idea[idea]),
                key=lambda j: (load[j], tiebreak[j]),
            )
            pairs.add((juror, idea))
            on_idea[idea].add(juror)
            load[juror] += 1

    # 2. Balance: move a pair from the busiest juror to the least busy one.
    movable = lambda: sorted(pairs - set(fixed))  # noqa: E731
    improved = True
    while improved and jurors and max(load.values()) - min(load.values()) > 1:
        improved = False
        for giver, idea in sorted(movable(), key=lambda p: (-load[p[0]], p)):
            taker = min(
                (j for j in eligible[idea] if j not in on_idea[idea] and load[j] < load[giver] - 1),
                key=lambda j: (load[j], tiebreak[j]),
                default=None,
            )
            if taker is not None:
                pairs.discard((giver, idea))
                pairs.add((taker, idea))
                on_idea[idea].discard(giver)
                on_idea[idea].add(taker)
                load[giver] -= 1
                load[taker] += 1
                improved = True
                break

    # 3. Connectivity: swap (j1, i1), (j2, i2) of two components into (j1, i2), (j2, i1).
    # A connected graph needs at least (nodes - 1) edges; below that, do not try.
    # The trials are capped, so a hopeless instance costs little time.
    count = components(pairs)
    nodes = len({j for j, _ in pairs}) + len({i for _, i in pairs})
    trials = 0 if len(pairs) >= nodes - 1 else MAX_SWAP_TRIALS
    while count > 1 and trials < MAX_SWAP_TRIALS:
        labels = _labels(pairs)
        candidates = [p for p in sorted(pairs) if p not in fixed]
        swapped = False
        for j1, i1 in candidates:
            for j2, i2 in candidates:
                if labels[j1, i1] >= labels[j2, i2]:
                    continue
                if (j1, i2) in exclusions or (j2, i1) in exclusions:
                    continue
                if j1 in on_idea[i2] or j2 in on_idea[i1]:
                    continue
                trials += 1
                if trials > MAX_SWAP_TRIALS:
                    break
                trial = (pairs - {(j1, i1), (j2, i2)}) | {(j1, i2), (j2, i1)}
                if (trial_count := components(trial)) < count:
                    pairs, count, swapped = trial, trial_count, True
                    on_idea[i1] = (on_idea[i1] - {j1}) | {j2}
                    on_idea[i2] = (on_idea[i2] - {j2}) | {j1}
                    break
            if swapped or trials > MAX_SWAP_TRIALS:
                break
        if not swapped:
            break  # impossible with swaps: reported through ``components``
    return Plan(frozenset(pairs), tuple(sorted(short)), count)


def assign(
    ideas: Iterable[int],
    jurors: Iterable[int],
    k: int,
    exclusions: set[Pair] | frozenset[Pair] = frozenset(),
    fixed: set[Pair] | frozenset[Pair] = frozenset(),
    seed: int = 0,
) -> set[Pair]:
    """The (juror, idea) pairs; ``plan`` gives the same with its report."""
    return set(plan(ideas, jurors, k, exclusions, fixed, seed).pairs)
