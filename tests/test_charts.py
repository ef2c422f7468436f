"""The chart style module (services/output/charts.py): figures from plain data, Vietnamese labels,
PNG output, and an honest message when there is nothing to draw."""
from __future__ import annotations

from services.output.charts import (
    COLOURS,
    ProgressBar,
    figure_png,
    grouped_bars_figure,
    share_figure,
    title_progress_figure,
    wrap_label,
)


def all_texts(fig) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out.append(ax.get_title(loc="left"))
        out += [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        out += [t.get_text() for t in legend.get_texts()]
    return out


def test_progress_panels_one_per_title_with_target_line() -> None:
    fig = title_progress_figure([
        ProgressBar("Chiến sĩ thi đua cơ sở", 70, 70, 61, 0, "70 cá nhân"),
        ProgressBar("Cờ thi đua của UBND tỉnh", 1, 1, None, 0, "01 tập thể"),
    ])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    texts = all_texts(fig)
    assert {"Đăng ký", "Dự thảo", "Quyết định", "Chỉ tiêu kế hoạch", "Kế hoạch: 70 cá nhân"} <= set(texts)
    # A title not drafted automatically says so instead of showing a zero.
    assert "không dự thảo tự động" in texts
    bars = [p.get_width() for p in visible[0].patches]
    assert bars == [70, 61, 0]
    assert [line.get_xdata()[0] for line in visible[0].lines] == [70]
    png = figure_png(fig, dpi=60)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


def test_share_bars_below_target_are_marked() -> None:
    fig = share_figure(["Văn phòng Sở", "Phòng LĐ-TBXH huyện Vũ Quang"], [90.0, 40.0], target=85)
    ax = fig.axes[0]
    colours = [p.get_facecolor() for p in ax.patches]
    assert colours[0] != colours[1]
    assert "40%" in all_texts(fig) and "Mục tiêu 85%" in all_texts(fig)


def test_empty_data_gives_a_message_not_an_empty_plot() -> None:
    for fig in (title_progress_figure([], empty_text="Chưa có đăng ký."),
                share_figure([], [], empty_text="Chưa có kết quả bình xét."),
                grouped_bars_figure(["2024"], {"Nam": [0]}, empty_text="Chưa có khen thưởng.")):
        assert not fig.axes and fig.texts[0].get_text().startswith("Chưa có")
    fig = grouped_bars_figure(["2023", "2024"], {"Nam": [3, 1], "Nữ": [2, 0]})
    assert {"Nam", "Nữ"} <= set(all_texts(fig))
    assert COLOURS["target"].startswith("#")


def test_wrap_label() -> None:
    assert wrap_label("Phòng Lao động - Thương binh và Xã hội huyện Vũ Quang", 22).count("\n") == 1
    assert wrap_label("Văn phòng Sở") == "Văn phòng Sở"
