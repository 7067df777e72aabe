import re

from dashboard.charts import Series, bar_chart, line_chart


def test_line_chart_has_a_title_description_and_one_path_per_series():
    svg = line_chart(
        title="Pledges per day",
        series=[Series("Change Day 2027", [1, 5, 9]), Series("Change Day 2026", [2, 3, 4])],
        x_labels=["Day 1", "Day 2", "Day 3"],
    )
    assert "<title" in svg and "Pledges per day" in svg
    assert "Change Day 2027: 9 by Day 3" in svg
    assert len(re.findall(r"<path ", svg)) == 2


def test_chart_text_is_escaped():
    svg = bar_chart(title="<b>Themes</b>", items=[("<script>x</script>", 3)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_bar_lengths_are_proportional():
    svg = bar_chart(title="Regions", items=[("London", 100), ("Wales", 50)])
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]


def test_empty_charts_do_not_fail():
    assert "<svg" in line_chart(title="Nothing yet", series=[Series("Now", [])], x_labels=[])
    assert "<svg" in bar_chart(title="Nothing yet", items=[])


def test_stacked_bar_chart_splits_each_bar_and_describes_every_part():
    from dashboard.charts import stacked_bar_chart

    svg = stacked_bar_chart(
        title="Tasks <by> statement",
        labels=["1. Recruit <for> values", "2. Induction"],
        parts=[Series("Done", [3, 0]), Series("Overdue", [1, 2])],
        colours=[2, 5],
    )
    assert "Tasks &lt;by&gt; statement" in svg and "1. Recruit &lt;for&gt; values" in svg
    assert "1. Recruit &lt;for&gt; values: 3 done, 1 overdue; 2. Induction: 0 done, 2 overdue" in svg
    assert svg.count("<rect") == 3  # no bar drawn for a part of nought
    assert 'fill="#007f3b"' in svg and 'fill="#d5281b"' in svg
    assert "app-chart-key--2" in svg and "app-chart-key--5" in svg
    assert ">4</text>" in svg and ">2</text>" in svg  # each bar's whole
