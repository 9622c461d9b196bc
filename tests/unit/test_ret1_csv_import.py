"""RET-1 for ERPs that drop files: the CSV rows become the API's lines."""

from pathlib import Path

import pytest

from services.intake.returns.csv_import import BadFile, Summary, chunks, main, read_lines, to_line

HEADER = "line_id,model,production_date,batch_no,shipped_batch_no,quantity,customer_id,reason,returned_at\n"


def test_ret1_csv_row_becomes_a_line_without_empty_optional_cells(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text(HEADER + "ERP-1,VX-200,2026-11-01,B1,S-1,10,,漏水,\n", encoding="utf-8-sig")
    assert read_lines(path) == [
        {
            "line_id": "ERP-1",
            "model": "VX-200",
            "production_date": "2026-11-01",
            "batch_no": "B1",
            "shipped_batch_no": "S-1",
            "quantity": 10,
            "reason": "漏水",
        }
    ]


def test_ret1_csv_quantity_that_is_not_a_number_is_left_for_the_server_to_reject() -> None:
    assert to_line({"quantity": "ten"})["quantity"] == "ten"
    assert to_line({"quantity": "-3"})["quantity"] == -3


def test_ret1_csv_without_required_columns_is_refused_before_sending(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text("line_id,model,colour\nERP-1,VX-200,red\n", encoding="utf-8")
    with pytest.raises(BadFile, match="production_date"):
        read_lines(path)


def test_ret1_csv_is_sent_in_chunks_of_at_most_the_chunk_size() -> None:
    sizes = [len(chunk) for _, chunk in chunks([{"n": i} for i in range(12_001)], 5_000)]
    assert sizes == [5_000, 5_000, 2_001]


def test_ret1_rejected_line_is_reported_with_its_csv_row() -> None:
    summary = Summary()
    summary.add(5_000, {"accepted": 1, "duplicates": 0, "rejected": [{"index": 3, "line_id": "x", "errors": []}]})
    assert summary.rejected[0]["row"] == 5_000 + 3 + 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_ret1_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "returns.csv"
    path.write_bytes((HEADER + "ERP-1,VX-200,2026-11-01,B1,S-1,10,,阀门漏水,\n").encode(encoding))
    [line] = read_lines(path)
    assert (line["line_id"], line["reason"]) == ("ERP-1", "阀门漏水")


def test_ret1_csv_in_no_known_encoding_stops_with_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "returns.csv"
    path.write_bytes(HEADER.encode() + b"ERP-1,VX-200,2026-11-01,B1,S-1,10,,\xff\xfe\x80,\n")
    assert main([str(path), "--url", "http://127.0.0.1:9", "--token", "t"]) == 2
    assert "neither UTF-8 nor GBK" in capsys.readouterr().err


def test_ret1_csv_that_csv_cannot_parse_stops_with_exit_status_2(tmp_path: Path) -> None:
    path = tmp_path / "returns.csv"
    path.write_text(HEADER + "ERP-1,VX-200,2026-11-01,B1,S-1,10,," + "漏" * 200_000 + ",\n", encoding="utf-8")
    assert main([str(path), "--url", "http://127.0.0.1:9", "--token", "t"]) == 2
