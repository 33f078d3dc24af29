"""What the site calls each rule kind, and the two intervals of its findings."""

KIND_LABEL = {
    "sum": "parts add up to a total",
    "compare": "one figure compared with another",
    "attribution": "who the figures come from",
    "period": "reporting periods",
    "ratio": "a share is part ÷ whole",
    "rate": "a rate over a period gives the total",
    "series": "a series over time",
    "revision": "revisions between drops",
    "schema": "column checks",
}
# What the two intervals of a finding are, per rule kind (reported, expected).
CHART_LABELS = {
    "sum": ("reported total", "sum of its parts"),
    "compare": ("left side", "right side"),
    "attribution": ("as relayed", "as the cited source says"),
    "ratio": ("reported share", "part ÷ whole"),
    "rate": ("reported", "implied by the rate"),
    "series": ("this period", "earlier period"),
    "revision": ("this drop", "earlier drop"),
}
