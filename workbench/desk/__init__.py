"""The notebook desk: items as DataFrames, plots, a notebook's session, the ``make run`` runner."""
