"""Names shared by two securities are shown with their symbol; other names stay short."""

from __future__ import annotations

from reader.core.secnames import label, shared_in


def test_shared_names_get_the_symbol_others_stay_short() -> None:
    shared = shared_in(["中信证券", "中信证券", "贵州茅台", "", ""])
    assert shared == {"中信证券"}
    assert label("1.600030", "中信证券", shared) == "中信证券 600030.SH"
    assert label("116.06030", "中信证券", shared) == "中信证券 06030.HK"
    assert label("1.600519", "贵州茅台", shared) == "贵州茅台"
    assert label("90.BK0475", "", shared) == "BK0475"
