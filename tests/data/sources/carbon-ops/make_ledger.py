"""Three carbon-ops estimates appended, signed and chained, to ledger.ndjson."""

from carbon_ops.ledger_writer import append_carbon_estimate
from carbon_ops.tools.verify import Signer

signer = Signer(ephemeral=True)
estimates = [
    {
        "region": "FR",
        "source": "static",
        "carbon_emissions_gco2": 1.2,
        "energy_consumed_kwh": 0.02,
        "pue_used": 1.2,
        "carbon_intensity_used_gco2_kwh": 50.0,
        "quality_flag": "fallback",
        "start_ts": "2026-11-29T07:00:00Z",
        "end_ts": "2026-11-29T07:10:00Z",
    },
    {
        "region": "DE",
        "source": "static",
        "carbon_emissions_gco2": 9.6,
        "energy_consumed_kwh": 0.02,
        "pue_used": 1.2,
        "carbon_intensity_used_gco2_kwh": 400.0,
        "quality_flag": "estimated",
        "intensity_uncertainty": 12.5,
        "start_ts": "2026-11-29T07:10:00Z",
        "end_ts": "2026-11-29T07:15:30Z",
    },
    {
        "region": "FR",
        "source": "static",
        "carbon_emissions_gco2": 0.6,
        "energy_consumed_kwh": 0.01,
        "pue_used": 1.2,
        "carbon_intensity_used_gco2_kwh": 50.0,
        "quality_flag": "measured",
        "start_ts": "2026-11-29T07:20:00Z",
        "end_ts": "2026-11-29T07:21:00Z",
    },
]
for estimate in estimates:
    append_carbon_estimate(
        "ledger.ndjson", estimate, signer, extra={"labels": {"project": "ledger-demo"}}
    )
