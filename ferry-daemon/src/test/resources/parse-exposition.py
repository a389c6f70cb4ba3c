# Parses Prometheus's text exposition format from stdin with the Prometheus project's own Python
# parser (Debian's python3-prometheus-client) and prints every sample as one JSON object a line:
# {"family", "type", "name", "labels", "value"}. A text the parser rejects ends it with status 1.
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
try:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            value = sample.value
            print(json.dumps({
                "family": family.name,
                "type": family.type,
                "name": sample.name,
                "labels": sample.labels,
                "value": value if math.isfinite(value) else str(value),
            }))
except Exception as e:  # the parser's own errors are ValueErrors, but any failure is a failure
    print("not a valid exposition: %r" % (e,), file=sys.stderr)
    sys.exit(1)
