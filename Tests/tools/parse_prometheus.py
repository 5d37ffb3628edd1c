"""Parses a Prometheus text exposition with the reference client's parser and prints its
samples as JSON: [{"name", "labels", "value"}]. A parse error exits non-zero."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

with open(sys.argv[1], encoding="utf-8") as handle:
    text = handle.read()
samples = []
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        samples.append({"name": sample.name, "labels": sample.labels, "value": sample.value, "type": family.type})
print(json.dumps(samples))
