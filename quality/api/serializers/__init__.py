"""The serializers of the quality API: the metrics query and answer (:mod:`.metrics`), recall
campaigns (:mod:`.recalls`) and quality alerts (:mod:`.alerts`)."""
