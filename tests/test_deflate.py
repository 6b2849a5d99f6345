"""ISA-L and zlib read each other's streams; a damaged stream is zlib.error either way."""

from __future__ import annotations

import zlib

import pytest

from auditor import deflate as d


@pytest.mark.parametrize("level", [0, 1, 3, 6, 9])
def test_streams_are_plain_zlib_both_ways(level):
    data = ("<p>Pagina niet gevonden – één tekst</p>" * 500).encode()
    assert zlib.decompress(d.deflate(data, level)) == data
    assert d.inflate(zlib.compress(data, level)) == data


def test_isal_is_used_where_it_has_a_wheel():
    import platform

    if platform.machine() in ("x86_64", "AMD64", "aarch64", "arm64"):
        assert d.FAST  # pyproject installs isal on these machines


def test_a_damaged_stream_raises_zlib_error():
    with pytest.raises(zlib.error):
        d.inflate(b"not deflate at all")
    with pytest.raises(zlib.error):
        d.inflate(zlib.compress(b"x" * 1000)[:-8])
