"""Two CodeCarbon runs writing BoAmps reports and JSON lines through its logger."""

import logging
import sys
import time

from codecarbon import OfflineEmissionsTracker
from codecarbon.output_methods.boamps import BoAmpsOutput
from codecarbon.output_methods.logger import LoggerOutput

logger = logging.getLogger("codecarbon-records")
logger.setLevel(logging.INFO)
handler = logging.FileHandler(sys.argv[1] + "/codecarbon_records.jsonl")
handler.setFormatter(logging.Formatter("%(message)s"))
logger.addHandler(handler)
logger.propagate = False

task = {
    "taskStage": "training",
    "taskFamily": "classification",
    "algorithms": [{"algorithmName": "sum of squares"}],
    "dataset": [{"dataUsage": "input", "dataType": "tabular"}],
}
for run in (1, 2):
    tracker = OfflineEmissionsTracker(
        project_name="boamps-sources",
        experiment_id=f"run-{run}",
        country_iso_code="FRA",
        measure_power_secs=1,
        save_to_file=False,
        log_level="error",
        output_handlers=[
            BoAmpsOutput(output_dir=sys.argv[1], task=task),
            LoggerOutput(logger),
        ],
    )
    tracker.start()
    end = time.time() + 3
    while time.time() < end:
        sum(i * i for i in range(1000))
    tracker.stop()
