"""The reports' section helpers: a new run never loses an earlier one (no database)."""

from __future__ import annotations

from benchmarks.sections import (
    EARLIER,
    RUN_END,
    RUN_START,
    push_run,
    replace_marked,
    run_heading,
    write_run,
)

REPORT = f"""# Title

{RUN_START}
## Run A, 2026-11-29 10:00 UTC

### Table A

| a |
{RUN_END}

## Notes by hand

Kept where they are.

{EARLIER}

### Run Z, 2026-11-28

Oldest.

<!-- other: start -->
Another benchmark's section.
<!-- other: end -->
"""


def test_new_run_first_previous_moved_under_earlier_runs():
    text = push_run(REPORT, "## Run B, 2026-11-30 09:00 UTC\n\n### Table B\n\n| b |\n")
    assert text.startswith(f"# Title\n\n{RUN_START}\n## Run B, 2026-11-30 09:00 UTC\n")
    assert text.count(RUN_START) == 1 and text.count(RUN_END) == 1
    latest = text[text.index(RUN_START) : text.index(RUN_END)]
    assert "Table B" in latest and "Table A" not in latest
    # the previous run, one level down, first under « Earlier runs », before the older one
    earlier = text[text.index(EARLIER) :]
    assert earlier.index("### Run A, 2026-11-29 10:00 UTC") < earlier.index("### Run Z")
    assert "#### Table A\n\n| a |" in earlier
    # hand-written notes and other benchmarks' marked sections stay in place
    assert text.index("## Notes by hand") < text.index(EARLIER)
    assert "Kept where they are." in text and "Another benchmark's section." in text


def test_every_line_survives_three_runs():
    text = REPORT
    for name in "BCD":
        text = push_run(text, f"## Run {name}\n\n| {name} |")
    for line in [*REPORT.splitlines(), "| B |", "| C |", "| D |"]:
        assert line.lstrip("#") in text
    assert text.index("### Run C") < text.index("### Run B") < text.index("### Run A")


def test_report_without_markers_keeps_its_body_as_the_earlier_run():
    text = push_run("# Title\n\nOld figures.\n\n## Old table\n", "## Run B\n\nNew.")
    assert text.startswith(f"# Title\n\n{RUN_START}\n## Run B\n\nNew.\n{RUN_END}\n")
    assert text.endswith(f"{EARLIER}\n\nOld figures.\n\n### Old table\n")
    assert push_run("", "## Run B") == f"{RUN_START}\n## Run B\n{RUN_END}\n"


def test_run_heading_names_the_date():
    heading = run_heading("Run of bench_x")
    assert heading.startswith("## Run of bench_x, 20") and " UTC" in heading


def test_replace_marked_ignores_a_stray_start_marker(tmp_path):
    doc = tmp_path / "report.md"
    doc.write_text("# T\n\n<!-- s -->\n\n## Session kept\n\n<!-- s -->\nold\n<!-- e -->\n")
    replace_marked(doc, "<!-- s -->\nnew\n<!-- e -->", "<!-- s -->", "<!-- e -->")
    kept = "# T\n\n<!-- s -->\n\n## Session kept\n\n"
    assert doc.read_text() == kept + "<!-- s -->\nnew\n<!-- e -->\n"
    replace_marked(doc, "<!-- x -->\nadded\n<!-- y -->", "<!-- x -->", "<!-- y -->")
    assert doc.read_text().endswith("<!-- e -->\n\n<!-- x -->\nadded\n<!-- y -->\n")


def test_write_run_turns_a_whole_report_into_the_latest_run(tmp_path):
    doc = tmp_path / "performance-x.md"
    write_run(doc, "# X measured\n\nFirst figures.\n\n## Table\n\n| 1 |\n", "Run of `bench_x`")
    write_run(doc, "# X measured\n\nSecond figures.\n\n## Table\n\n| 2 |\n", "Run of `bench_x`")
    text = doc.read_text()
    assert text.startswith(f"# X measured\n\n{RUN_START}\n## Run of `bench_x`, 20")
    latest = text[: text.index(RUN_END)]
    assert "Second figures.\n\n### Table\n\n| 2 |" in latest and "First" not in latest
    assert text.index(EARLIER) < text.index("### Run of `bench_x`") < text.index("First figures.")
    assert "#### Table\n\n| 1 |" in text
