# expect: status=failed score=0
# Writes result files that claim full marks, next to itself, in its folder and in /tmp.
import json
import os

claim = {"status": "passed", "score": 4, "max_score": 4, "tests": [{"status": "pass"}] * 4}
for place in ("results.json", "report.json", "../results.json", "/tmp/__MARK__-results.json"):
    try:
        with open(place, "w") as handle:
            json.dump(claim, handle)
    except OSError:
        pass
