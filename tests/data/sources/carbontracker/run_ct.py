import time

from carbontracker.tracker import CarbonTracker

tracker = CarbonTracker(
    epochs=2, log_dir="logs", components="cpu", verbose=2, update_interval=1, epochs_before_pred=1
)
for _ in range(2):
    tracker.epoch_start()
    end = time.time() + 2
    while time.time() < end:
        sum(i * i for i in range(1000))
    tracker.epoch_end()
tracker.stop()
