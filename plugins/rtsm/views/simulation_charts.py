"""The simulation preview's charts, drawn by the kit (``sdk.charts``) from a
``domain.simulation.SimulationResult``: how the imbalance grows as subjects are randomized, the
spread of the final imbalance over the simulated trials, and the subjects per arm."""
from __future__ import annotations

from sdk.charts import Chart, bar_chart, line_chart

IMBALANCE = "{:.2f}"


def simulation_charts(result, arm_names: dict[str, str]) -> list[Chart]:
    progression = {"Overall": list(result.progression)}
    if list(result.marginal_progression) != list(result.progression):
        progression["Worst level"] = list(result.marginal_progression)
    curve = line_chart(progression, title="Imbalance as subjects are randomized",
                       x_title="Subjects randomized", y_title="Imbalance (mean)",
                       value_format=IMBALANCE, x_format="{:.0f}", narrow=True)
    finals = list(result.final_imbalances)
    spread = [("Median", result.median_imbalance), ("95th percentile", result.p95_imbalance),
              ("Largest", max(finals) if finals else None)]
    final = bar_chart([(label, value) for label, value in spread if value is not None],
                      title=f"Largest imbalance after {result.subjects} subjects", label_title="Over the trials",
                      value_title="Imbalance", value_format=IMBALANCE, narrow=True)
    per_arm = bar_chart([(f"{code} {arm_names.get(code, '')}".strip(), count / result.trials)
                         for code, count in result.totals.items()],
                        title="Subjects per arm (mean per trial)", label_title="Arm",
                        value_title="Subjects", value_format="{:.1f}", narrow=True)
    charts = [curve, final, per_arm]
    if result.factor_imbalance:
        charts.append(bar_chart(list(result.factor_imbalance.items()), title="Final imbalance by factor (mean)",
                                label_title="Factor", value_title="Imbalance", value_format=IMBALANCE, narrow=True))
    return charts
