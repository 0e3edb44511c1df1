"""Signals the sources app sends; the claims app subscribes (sources never imports claims)."""

from django.dispatch import Signal

# Sent after a commit that added observations to a series; kwargs: series (ReferenceSeries), added (int).
series_data_changed = Signal()
# Sent after a link check found a source missing or changed; kwargs: source (Source), check (SourceCheck).
source_link_changed = Signal()
