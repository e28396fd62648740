"""Randomization lists: reproducible from a secret seed, one per stratum, prefix-stable.

The generator is ``HashRandom``: SHA-256 in counter mode keyed by ``sha256(seed + stratum)``.
It is a ``random.Random`` (so it can be passed wherever one is expected) but owes nothing to the
Mersenne Twister, whose state can be rebuilt from its outputs; with a 32-byte secret seed, the
next assignment cannot be predicted from the ones already revealed. Every draw here uses integer
arithmetic on its bits (``below``, ``weighted_index``, ``shuffle``) rather than the stdlib's
helpers, so a list is the same on every Python version and platform, forever: the stored hash of
a list can be re-checked by regenerating it.

Prefix-stable: entries are generated in order from one stream, and only the last block may be
cut, so ``generate_list(..., length=n)`` is the first n entries of any longer list. The services
extend a list by generating a longer one.
"""
from __future__ import annotations

import hashlib
import json
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from .schemes import BLOCK_TYPES, SchemeConfig

SEED_BYTES = 32


def new_seed() -> bytes:
    """A fresh secret seed (32 bytes from the operating system's CSPRNG)."""
    return secrets.token_bytes(SEED_BYTES)


class HashRandom(random.Random):
    """A deterministic ``random.Random`` drawing its bits from SHA-256(key + counter)."""

    def __init__(self, key: bytes):
        super().__init__(key)

    def seed(self, a=None, version=2) -> None:  # called by random.Random.__init__
        self._key = bytes(a) if isinstance(a, (bytes, bytearray)) else secrets.token_bytes(SEED_BYTES)
        self._counter = 0
        self._pool = 0
        self._bits = 0

    def getrandbits(self, k: int) -> int:
        while self._bits < k:
            block = hashlib.sha256(self._key + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._pool = (self._pool << 256) | int.from_bytes(block, "big")
            self._bits += 256
        self._bits -= k
        value = self._pool >> self._bits
        self._pool &= (1 << self._bits) - 1
        return value

    def random(self) -> float:
        return self.getrandbits(53) / 9007199254740992.0

    def getstate(self):
        return (self._key, self._counter, self._pool, self._bits)

    def setstate(self, state) -> None:
        self._key, self._counter, self._pool, self._bits = state


def below(rng: random.Random, n: int) -> int:
    """A uniform integer in [0, n) by rejection sampling on whole bits (no float rounding)."""
    if n <= 0:
        raise ValueError("below() needs a positive bound.")
    bits = max(1, (n - 1).bit_length())
    while True:
        value = rng.getrandbits(bits)
        if value < n:
            return value


def weighted_index(rng: random.Random, weights: Sequence[int]) -> int:
    """An index drawn with probability weight / sum(weights) (integer weights)."""
    ticket = below(rng, sum(weights))
    for index, weight in enumerate(weights):
        if ticket < weight:
            return index
        ticket -= weight
    raise AssertionError("unreachable: the ticket is below the total weight")


def shuffle(rng: random.Random, items: list) -> None:
    """Fisher-Yates, in place."""
    for i in range(len(items) - 1, 0, -1):
        j = below(rng, i + 1)
        items[i], items[j] = items[j], items[i]


@dataclass(frozen=True)
class ListEntry:
    position: int  # from 0 within the stratum
    arm: str
    block: int  # 0 for simple lists
    block_size: int  # the drawn size of the block (0 for simple lists), also for a cut last block


def list_rng(seed: bytes, stratum: str) -> HashRandom:
    return HashRandom(hashlib.sha256(seed + stratum.encode()).digest())


def generate_list(config: SchemeConfig, seed: bytes, stratum: str, length: int) -> list[ListEntry]:
    """The first ``length`` entries of the stratum's list: deterministic from (seed, stratum)."""
    if config.type == "minimization":
        raise ValueError("A minimization scheme has no list: each arm is chosen when the subject comes.")
    if length < 0:
        raise ValueError("A list length cannot be negative.")
    rng = list_rng(seed, stratum)
    codes = config.arm_codes
    if config.type not in BLOCK_TYPES:
        ratios = [arm.ratio for arm in config.arms]
        return [ListEntry(i, codes[weighted_index(rng, ratios)], 0, 0) for i in range(length)]
    entries: list[ListEntry] = []
    block = 0
    while len(entries) < length:
        size = config.block_sizes[below(rng, len(config.block_sizes))]
        times = size // config.ratio_sum
        arms = [arm.code for arm in config.arms for _ in range(arm.ratio * times)]
        shuffle(rng, arms)
        for arm in arms[: length - len(entries)]:
            entries.append(ListEntry(len(entries), arm, block, size))
        block += 1
    return entries


def list_sha256(entries: Sequence[ListEntry]) -> str:
    """The hex SHA-256 of the list as canonical JSON: [[position, arm, block, block_size], ...]."""
    rows = [[e.position, e.arm, e.block, e.block_size] for e in entries]
    text = json.dumps(rows, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
