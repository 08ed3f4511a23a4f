"""Two Lamarr Energy Tracker runs of a CPU loop into one central emissions.csv."""

import sys
import time

from lamarr_energy_tracker import EnergyTracker

for project in ("boamps-sources", "second-project"):
    tracker = EnergyTracker(project_name=project, output_dir=sys.argv[1])
    tracker.start()
    end = time.time() + 3
    while time.time() < end:
        sum(i * i for i in range(1000))
    tracker.stop(print_summary=True)
