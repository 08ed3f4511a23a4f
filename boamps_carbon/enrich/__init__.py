"""What a live tracker knows beyond the CSV columns: how each component's power was measured,
the hardware, the operating system's distribution, and whether the location is real."""
