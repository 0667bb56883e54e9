"""Shared pieces of the Distral experiments (distral-gridworld.sh, distral-hidden-goals.sh): preset variants
and what a run's metrics say about its success curve."""
import csv
import re


def preset(agent, runs, lr_scale=1.0, reg_scale=1.0, log_interval=8192, extra=""):
    """Writes agents/AGENT.yaml with the learning rate and the regulariser scaled (Distral: c_KL and c_Ent
    together; the baselines: entropy_coef) and metrics every `log_interval` steps; returns (name, path)."""
    text = open(f"agents/{agent}.yaml").read()

    def scale(key, factor, text):
        return re.sub(rf"^(\s*{key}:\s*)([0-9.eE+-]+)", lambda m: f"{m.group(1)}{float(m.group(2)) * factor:.6g}", text, flags=re.M)

    text = re.sub(r"^log_interval:.*$", f"log_interval: {log_interval}", text, flags=re.M)
    text = scale("learning_rate", lr_scale, text)
    coefficients = [float(v) for v in re.findall(r"^\s+c_(?:kl|ent):\s*([0-9.eE+-]+)", text, flags=re.M)]
    if sum(coefficients) > 0:  # a regularised Distral agent
        text = scale("c_kl", reg_scale, scale("c_ent", reg_scale, text))
    else:
        text = scale("entropy_coef", reg_scale, text)
    name = f"{agent}-lr{lr_scale:g}-reg{reg_scale:g}"
    path = f"{runs}/presets/{name}.yaml"
    open(path, "w").write(text + extra)
    return name, path


def success_curve(directory):
    """[(step, [success rate of each task])] from a run's metrics.csv (rows with every task)."""
    by_step = {}
    for row in csv.DictReader(open(f"{directory}/metrics.csv")):
        by_step.setdefault(int(row["step"]), []).append(float(row["success_rate"] or 0))
    width = max(len(v) for v in by_step.values())
    return [(step, rates) for step, rates in sorted(by_step.items()) if len(rates) == width]


def steps_to(curve, threshold=0.9):
    """The first step at which every task's training success rate is at least `threshold`, or None."""
    return next((step for step, rates in curve if min(rates) >= threshold), None)


def first_success(curve):
    """The first step at which some task succeeded at all, or None."""
    return next((step for step, rates in curve if max(rates) > 0), None)


def area(curve):
    """The area under the mean success curve, as a fraction of the budget (1 = solved from the start)."""
    if not curve:
        return 0.0
    total, previous = 0.0, 0
    for step, rates in curve:
        total += (step - previous) * sum(rates) / len(rates)
        previous = step
    return total / previous
