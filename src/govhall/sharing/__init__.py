"""一库共享: the data resource catalogue, provider systems, grants, audited look-ups, the data-usage view."""
