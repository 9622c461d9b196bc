"""CON search: the n-grams a row stores and a query asks for (shared/search.py)."""

from shared.search import query_grams, text_grams


def test_con_chinese_text_is_stored_as_bigrams() -> None:
    assert text_grams("王小明") == ["小明", "王小"]


def test_con_latin_and_digit_runs_are_stored_as_trigrams() -> None:
    assert text_grams("KT-2024") == ["024", "202", "kt"]


def test_con_full_width_and_upper_case_are_stored_as_typed_queries_read() -> None:
    assert text_grams("ＫＴ２０２４") == text_grams("kt2024")


def test_con_mixed_text_splits_into_runs_of_one_script() -> None:
    assert text_grams("空调X5漏水") == ["x5", "漏水", "空调"]


def test_con_every_substring_asks_only_for_grams_the_text_holds() -> None:
    text = "TS-20261202-0007 王小明 13812345678 空调外机漏水"
    stored = set(text_grams(text))
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            assert set(query_grams(text[start:end])) <= stored, text[start:end]


def test_con_last_four_digits_of_a_phone_ask_for_two_trigrams() -> None:
    assert query_grams("5678") == ["567", "678"]


def test_con_a_query_shorter_than_a_gram_asks_for_none() -> None:
    assert query_grams("王") == []
    assert query_grams("78") == []
