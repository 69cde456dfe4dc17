"""``partnerkit terms``: readable terms and findings, JSON, and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.io.planfile import example_plan_path

EXAMPLE = str(example_plan_path())


def run(*args: str) -> Any:
    # A wide terminal, so that table cells are not wrapped across lines.
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["terms", *args])


def write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_every_partner_in_one_table(tmp_path: Path) -> None:
    result = run(EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "Northwind ERP" in result.output and "Ledger & Lane CPAs" in result.output
    assert (
        "No agreement (ecosystem partners are joined, not signed): Open Finance Data Alliance"
        in result.output
    )
    assert "0 error(s)" in result.output


def test_one_partner_in_full_with_origins_and_changes() -> None:
    result = run(EXAMPLE, "--partner", "Northwind ERP")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Integration Partnership Agreement: Northwind ERP, Strategic tier" in out
    assert "Northwind ERP Software, Inc." in out
    assert "tier benefit" in out and "framework default" in out and "per-partner override" in out
    assert "Changes to standard terms" in out
    assert "36 months" in out and "24 months" in out
    assert "No findings." in out


def test_an_ecosystem_partner_is_told_it_has_no_agreement() -> None:
    result = run(EXAMPLE, "--partner", "Controllers' Roundtable")
    assert result.exit_code == 0
    assert "ecosystem partner" in result.output and "no partnership agreement" in result.output


def test_an_unknown_partner_is_a_usage_error() -> None:
    result = run(EXAMPLE, "--partner", "Brightline Advisor")
    assert result.exit_code == 2
    assert "did you mean 'Brightline Advisory'?" in result.output


def test_json_lists_terms_origins_and_findings() -> None:
    result = run(EXAMPLE, "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["errors"] == 0
    assert len(data["partners"]) == 18 and len(data["no_agreement"]) == 7
    northwind = next(p for p in data["partners"] if p["partner"] == "Northwind ERP")
    assert northwind["agreement"] == "integration"
    assert northwind["terms"]["terms"]["revenue_share"]["value"] == "20%"
    assert northwind["terms"]["terms"]["revenue_share"]["origin"] == "tier"
    assert northwind["terms"]["deviations"][0]["key"] == "term_months"


def test_a_discount_outside_the_margin_band_fails(tmp_path: Path) -> None:
    data = yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))
    data["tiers"][0]["benefits"]["partner_discount"] = "45%"  # Strategic; the band is 20-40%
    plan = write(tmp_path, data)
    result = run(plan)
    assert result.exit_code == 1
    assert "Brightline Advisory" in result.output
    assert "partner discount 45% (tier benefit) is outside the program's margin band 20%-40%" in result.output
    single = run(plan, "--partner", "Brightline Advisory", "--json")
    assert single.exit_code == 1
    [partner] = json.loads(single.output)["partners"]
    assert [f["code"] for f in partner["findings"] if f["severity"] == "error"] == ["discount_outside_band"]


def test_a_plan_with_errors_exits_1_and_an_unreadable_one_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("product: [\n", encoding="utf-8")
    assert run(str(broken)).exit_code == 1
    assert run(str(tmp_path / "missing.yaml")).exit_code == 2


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["terms", "--help"])
    assert result.exit_code == 0
    assert 'partnerkit terms plan.yaml --partner "Northwind ERP"' in result.output
    listed = CliRunner().invoke(cli, ["--help"])
    assert "terms" in listed.output


def test_demo_writes_every_partners_terms(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "terms.json").read_text(encoding="utf-8"))
    by_name = {p["partner"]: p for p in data["partners"]}
    assert by_name["Brightline Advisory"]["terms"]["terms"]["protection_period_days"]["value"] == 120
    assert by_name["Controllers' Roundtable"]["terms"] is None


def test_names_with_markup_print_literally(tmp_path: Path) -> None:
    data = yaml.safe_load(example_plan_path().read_text(encoding="utf-8"))
    data["categories"]["integration"]["partners"][0]["name"] = "Acme <Holdings> & [bold]Sons[/bold] {{ 7*7 }}"
    plan = write(tmp_path, data)
    table = run(plan)
    assert table.exit_code == 0, table.output
    assert "Acme <Holdings> & [bold]Sons[/bold] {{ 7*7 }}" in table.output
    single = run(plan, "--partner", "Acme <Holdings> & [bold]Sons[/bold] {{ 7*7 }}")
    assert single.exit_code == 0, single.output
    assert "Integration Partnership Agreement: Acme <Holdings> & [bold]Sons[/bold] {{ 7*7 }}" in single.output
