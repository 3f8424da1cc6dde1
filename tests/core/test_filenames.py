"""Default file names from article titles: Chinese kept, forbidden characters replaced, length bounded."""

from __future__ import annotations

from reader.core.filenames import MAX_BYTES, file_name_for


def test_a_chinese_title_is_kept_as_written() -> None:
    title = "央行研究局课题组：促进消费投资增长 实现经济平稳高质量运行"
    assert file_name_for(title, "202205302396506117") == title + ".pdf"


def test_characters_file_systems_refuse_are_replaced() -> None:
    name = file_name_for('A/B\\C:D*E?F"G<H>I|J\tK\x00', "key")
    assert not set('/\\:*?"<>|\t\x00') & set(name)
    assert name == "A／B＼C：D＊E？F＂G＜H＞I｜J K.pdf"


def test_long_titles_are_cut_on_a_character_and_empty_ones_fall_back() -> None:
    name = file_name_for("资管圈风向又变！" * 40, "key")
    assert len(name.encode()) <= MAX_BYTES and name.endswith(".pdf")
    assert name.startswith("资管圈风向又变！") and "\ufffd" not in name
    assert file_name_for("  ... ", "202205302396506117") == "202205302396506117.pdf"
    assert file_name_for("", "") == "article.pdf"
    assert file_name_for("CON", "k") == "_CON.pdf"  # a device name on Windows
