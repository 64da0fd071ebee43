#!/usr/bin/env python3
"""Writes the seed corpora of the binary fuzz targets (ring, segment, messages) into
tests/fuzz/corpus/<target>/: valid layouts for the fuzzer to mutate, since random bytes seldom
get past a magic number. The text targets' seeds (config, trace, profile) are written by hand.
Run again only when a layout changes: python3 tests/fuzz/make_seeds.py"""
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent / "corpus"

RING_MAGIC = 0x474E495253505350
SEGMENT_MAGIC = 0x4C41435345504950
SALT = 0x8123456789ABCDEF


def fingerprint():
    # segment_layout.hpp's abi_fingerprint(): FNV-1a over the layout facts, 8 bytes each.
    facts = [192, 64, 128, 72, 8, 512, 128, 128, 384, 32, 8, 28, 256, 64, 128, 1, 8]
    value = 14695981039346656037
    for fact in facts:
        for shift in range(0, 64, 8):
            value ^= (fact >> shift) & 0xFF
            value = (value * 1099511628211) % (1 << 64)
    return value


def ring(capacity=1024, records=((1, b"hello"), (2, b"x" * 40)), head=0):
    control = bytearray(512)
    struct.pack_into("<QIIQQQ", control, 0, RING_MAGIC, 2, 32, capacity, capacity // 8 - 32, SALT)
    data = bytearray(capacity)
    position = 0
    for correlation, payload in records:
        size = (32 + len(payload) + 63) // 64 * 64
        struct.pack_into("<QQIHBBHHI", data, position % capacity, (position + 1) ^ SALT, correlation,
                         len(payload), 7, 1, 1, 0, 0, 3)
        data[position % capacity + 32:position % capacity + 32 + len(payload)] = payload
        position += size
    struct.pack_into("<Q", control, 128, head)  # head
    struct.pack_into("<Q", control, 256, position)  # producer tail
    return bytes(control + data)


def segment():
    capacity = 4
    header = bytearray(192)
    directory_end = 192 + capacity * 72
    arena = 4096
    ring_bytes = ring()
    total = arena + 4096 + 4096
    struct.pack_into("<QIIQQIIIiQQQQ", header, 0, SEGMENT_MAGIC, 1, 192, fingerprint(), total, 64, capacity, 3,
                     1, 0, 77, arena, 3 * 4096)
    header[80:88] = b"fuzzrun\0"
    struct.pack_into("<I", header, 128, 2)  # state: ready
    directory = bytearray(capacity * 72)
    entries = [(b"conn.req", arena, len(ring_bytes), 1), (b"conn.bell", arena + 4096, 256, 2),
               (b"stats", arena + 8192, 64, 3)]
    for index, (name, offset, size, kind) in enumerate(entries):
        struct.pack_into("<48sQQIi", directory, index * 72, name, offset, size, kind, -1)
    body = bytearray(total)
    body[0:192] = header
    body[192:directory_end] = directory
    body[arena:arena + len(ring_bytes)] = ring_bytes
    return bytes(body)


def write(target, name, data):
    folder = ROOT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


write("fuzz_ring", "two_records", ring())
write("fuzz_ring", "empty", ring(records=()))
write("fuzz_ring", "five_records", ring(records=((1, b"a" * 90),) * 5, head=0))
write("fuzz_segment", "three_regions", segment())
# A FlatBuffer the verifier accepts: an empty table of each type (root offset 8, a vtable of 4 bytes).
empty_table = struct.pack("<IHHi", 8, 4, 4, 4) + b"\0" * 4
for kind in range(14):
    write("fuzz_messages", f"empty_{kind:02d}", bytes([kind]) + empty_table)
