import sys
import time

import eco2ai

tracker = eco2ai.Tracker(
    project_name="boamps-sources",
    experiment_description=sys.argv[1],
    file_name="emission.csv",
    alpha_2_code="FR",
    measure_period=1,
)
tracker.start()
end = time.time() + 3
x = 0
while time.time() < end:
    x += sum(i * i for i in range(1000))
tracker.stop()
