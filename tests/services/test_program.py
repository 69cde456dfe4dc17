"""Running the program through the services: deals check, payout runs with files, actuals; the CLI doors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnerkit.cli import cli
from partnerkit.commands import deals as commands_deals
from partnerkit.io.pipeline.examples import example_deals_path, example_survey_path
from partnerkit.io.planfile import example_plan_path, load
from partnerkit.io.word.outline import outline
from partnerkit.io.word.workers import batch_map, can_fork
from partnerkit.loaded import LoadedPlan
from partnerkit.services import check_deals, program_actuals, read_deals, read_survey, run_payouts

AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="module")
def loaded() -> LoadedPlan:
    return load(example_plan_path())


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A copy of the shipped deals export, as the user's file."""
    return Path(shutil.copyfile(example_deals_path(), tmp_path / "deals.csv"))


def test_check_deals_on_the_example(loaded: LoadedPlan, export: Path) -> None:
    result = check_deals(loaded, read_deals(export, loaded), AS_OF)
    assert result.ok and result.problems == []
    kinds = {p.code: p for p in result.findings}
    conflict = kinds["deals.conflict"]
    assert conflict.location == "deals.csv:5" and not conflict.is_error
    assert "Brightline Advisory holds the account's protection until 2026-09-30" in conflict.message
    assert set(kinds) == {
        "deals.conflict",
        "deals.pending-conflict",
        "deals.not-allowed",
        "deals.expired",
        "deals.closed-after-protection",
        "deals.unregistered",
    }
    data = result.to_dict()
    assert data["registrations"]["lost"] == 1 and data["revenue"]["sourced"] == "250200.15"
    assert {f["location"] for f in data["findings"]} >= {"deals.csv:5", "deals.csv:20"}


def test_the_payout_runs_of_the_worked_example(loaded: LoadedPlan, export: Path, tmp_path: Path) -> None:
    deals = read_deals(export, loaded)
    q2 = run_payouts(loaded, deals, "2026-Q2", tmp_path / "q2")
    assert q2.ok and q2.run.total_payable == Decimal("8400.00")
    assert q2.run.statement("Crestline Tax").carried_out == Decimal("300.00")
    q3 = run_payouts(loaded, deals, "2026-Q3", tmp_path / "q3", carried_in=tmp_path / "q2" / "summary.csv")
    assert q3.ok
    payable = {s.partner: s.payable for s in q3.run.statements}
    assert payable == {
        "Bluefin Banking": Decimal("0.00"),
        "Brightline Advisory": Decimal("26400.00"),
        "Crestline Tax": Decimal("700.00"),
        "Keystone IT Partners": Decimal("8400.00"),
        "Ledger & Lane CPAs": Decimal("1800.00"),
        "Northwind ERP": Decimal("2400.00"),
        "Stackpay": Decimal("5000.00"),
        "Summit Cloud Group": Decimal("0.00"),
    }
    assert q3.run.total_payable == Decimal("44700.00") and q3.run.total_carried_out == Decimal("480.06")
    names = sorted(p.name for p in q3.written)
    assert "summary.csv" in names and "Ledger-Lane-CPAs.docx" in names and "Ledger-Lane-CPAs.csv" in names
    summary = (tmp_path / "q3" / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert summary[-1].startswith(
        "Total,,,2026-Q3,USD,173200.15,48080.06,-5600.00,2400.00,44880.06,300.00,44700.00"
    )


def test_rerunning_a_period_writes_the_same_files(loaded: LoadedPlan, export: Path, tmp_path: Path) -> None:
    deals = read_deals(export, loaded)
    first = run_payouts(loaded, deals, "2026-Q3", tmp_path / "a")
    again = run_payouts(loaded, deals, "2026-Q3", tmp_path / "b")
    assert [p.name for p in first.written] == [p.name for p in again.written]
    for a, b in zip(first.written, again.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.skipif(not can_fork(), reason="workers are forked on Linux only")
def test_two_workers_write_the_same_statements_and_tell_each_one(
    loaded: LoadedPlan, export: Path, tmp_path: Path
) -> None:
    """The statements of a run written on two processes (this one and a forked worker) are the files one
    process writes, byte for byte, with the warnings in the run's order; progress hears of each one."""
    assert batch_map(2, 8) is not map  # two processes, whatever the size of the batch
    deals = read_deals(export, loaded)
    one = run_payouts(loaded, deals, "2026-Q3", tmp_path / "one", workers=1)
    told: list[tuple[str, int]] = []
    two = run_payouts(
        loaded, deals, "2026-Q3", tmp_path / "two", workers=2, progress=lambda *seen: told.append(seen)
    )
    assert [p.name for p in two.written] == [p.name for p in one.written]
    for a, b in zip(one.written, two.written, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert [str(p) for p in two.problems] == [str(p) for p in one.problems]
    statements = [s.partner for s in two.run.statements]
    assert sorted(name for name, _ in told) == sorted(statements)
    assert {total for _, total in told} == {len(statements)}
    assert not [f for f in (tmp_path / "two").iterdir() if f.name.endswith(".tmp")]


def test_a_statement_shows_every_figure_in_its_slot(loaded: LoadedPlan, export: Path, tmp_path: Path) -> None:
    result = run_payouts(loaded, read_deals(export, loaded), "2026-Q3", tmp_path)
    text = "\n".join(outline(tmp_path / "Keystone-IT-Partners.docx"))
    assert "Reference PAY-2026Q3-KEYSTONE-IT-PARTNERS" in text
    assert (
        "| 2026-08-13 | D-1030 | Pinecrest Dental Group | clawback of margin | $16,000.00 | 25% | -$4,000.00 |"
        in text
    )
    assert (
        "| 2026-09-18 | D-1032 | Lakeside Insurance Brokers | margin | $40,000.00 | 25% | $10,000.00 |"
        in text
    )
    for row in (
        "| Commissions earned | $14,000.00 |",
        "| Clawed back | -$5,600.00 |",
        "| Payable now | $8,400.00 |",
    ):
        assert row in text
    summit = "\n".join(outline(tmp_path / "Summit-Cloud-Group.docx"))
    assert "| Carried over to the next run | $480.06 |" in summit and "below the minimum payout" in summit
    bluefin = "\n".join(outline(tmp_path / "Bluefin-Banking.docx"))
    assert "after the commission tail cap" in bluefin
    assert result.problems == []


def test_mixed_currencies_refuse_the_run_with_the_row(
    loaded: LoadedPlan, export: Path, tmp_path: Path
) -> None:
    lines = export.read_text(encoding="utf-8").splitlines()
    lines[11] = lines[11].replace(",USD,", ",EUR,")  # D-1032, closed in Q3
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_payouts(loaded, read_deals(export, loaded), "2026-Q3", tmp_path / "out")
    assert not result.ok and result.written == [] and not (tmp_path / "out").exists()
    [problem] = [p for p in result.problems if p.is_error]
    assert problem.location == "deals.csv:12" and "is in EUR, not the plan's currency USD" in problem.message


def test_a_users_statement_template_renders_in_the_sandbox(
    loaded: LoadedPlan, export: Path, tmp_path: Path
) -> None:
    from partnerkit.io.word.statement import statement_template_path

    mine = Path(shutil.copyfile(statement_template_path(), tmp_path / "ours.docx"))
    result = run_payouts(loaded, read_deals(export, loaded), "2026-Q2", tmp_path / "out", template=mine)
    assert "| Payable now | $8,400.00 |" in "\n".join(outline(tmp_path / "out" / "Keystone-IT-Partners.docx"))
    assert result.ok


def test_actuals_on_the_example(loaded: LoadedPlan, export: Path) -> None:
    result = program_actuals(
        loaded, read_deals(export, loaded), read_survey(example_survey_path(), loaded), AS_OF
    )
    rows = {(r["metric"], r["period"]): r for r in result.metric_rows()}
    assert rows[("Partner-sourced revenue", "Year 1")]["actual"] == "230200.15"
    assert rows[("Partner-sourced revenue", "Year 1")]["attainment"] == "15.35%"
    assert rows[("Active partners", "Q2")]["actual"] == "7"
    assert rows[("Partner-sourced leads", "Year 1")]["actual"] == "13"
    nps = rows[("Partner satisfaction (NPS)", "Year 1")]
    assert (nps["actual"], nps["responses"], nps["target"]) == ("20.0", 10, None)
    tiers = {r["tier"]: r for r in result.economics_rows()}
    assert tiers["Strategic"]["break_even_revenue_per_partner"] == "25000.00"
    assert tiers["Premier"]["break_even_revenue_per_partner"] == "5783.58"
    assert result.period.label == "2026-Q3"


# --- the CLI doors --------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_deals_check_prints_the_conflicts_with_reasons(export: Path) -> None:
    plan = str(example_plan_path())
    code, out, _ = run("deals", "check", plan, "--deals", str(export), "--as-of", "2026-09-30")
    assert code == 0
    assert "1 lost" in out and "conflicts with Brightline Advisory's registration of deal D-1001" in " ".join(
        out.split()
    )
    code, out, _ = run("deals", "check", plan, "--deals", str(export), "--as-of", "2026-09-30", "--json")
    assert code == 0 and json.loads(out)["registrations"]["protected"] == 14


def test_a_large_check_shows_the_first_findings_of_each_kind_and_counts_the_rest(tmp_path: Path) -> None:
    # 80 registrations of one account by two partners: Keystone's 40 lose to Brightline's protection.
    plan = str(example_plan_path())
    rows = [
        f"D-{n:03d},Acme Inc,acme.example,{'Keystone IT Partners' if n % 2 else 'Brightline Advisory'},"
        f"sourced,2026-07-{1 + n // 4:02d},2026-07-{1 + n // 4:02d},Negotiation,1000"
        for n in range(80)
    ]
    export = tmp_path / "deals.csv"
    header = "Deal ID,Account Name,Account Domain,Partner,Touch,Registered On,Approved On,Stage,Amount"
    export.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    code, out, _ = run("deals", "check", plan, "--deals", str(export), "--as-of", "2026-09-30", "--json")
    assert code == 0
    found = json.loads(out)["findings"]
    assert [f["kind"] for f in found] == ["conflict"] * 40
    code, out, _ = run("deals", "check", plan, "--deals", str(export), "--as-of", "2026-09-30")
    assert code == 0
    cells = [line.split("│") for line in out.splitlines() if line.startswith("│ conflict")]
    assert (
        [(c[2].strip(), c[4].strip()) for c in cells]
        == [  # Deal and Where
            (f["deal_id"], f["location"]) for f in found[: commands_deals.MAX_FINDINGS_SHOWN]
        ]
    )
    assert "Findings (40)" in out
    assert (
        "... and 15 more (15 conflict): the first 25 of each kind are shown; "
        "--findings FILE.csv writes them all as a table, --json lists them all"
    ) in out


def test_deals_check_exit_codes(export: Path, tmp_path: Path) -> None:
    plan = str(example_plan_path())
    bad = tmp_path / "bad.csv"
    bad.write_text(export.read_text(encoding="utf-8").replace("Stackpay", "Stakpay"), encoding="utf-8")
    code, _, err = run("deals", "check", plan, "--deals", str(bad))
    assert (
        code == 1
        and "bad.csv:19: 'Partner' 'Stakpay': not a partner of the plan (did you mean 'Stackpay'?)" in err
    )
    code, _, err = run("deals", "check", plan, "--deals", str(tmp_path / "missing.csv"))
    assert code == 2 and "cannot read the deals table" in err
    code, _, err = run("deals", "check", plan, "--deals", str(export), "--as-of", "30/09/2026")
    assert code == 2 and "write 2026-09-30" in err


def test_payouts_command(export: Path, tmp_path: Path) -> None:
    plan = str(example_plan_path())
    code, out, err = run(
        "payouts", plan, "--deals", str(export), "--period", "2026-Q3", "-o", str(tmp_path / "q3")
    )
    assert (
        code == 0 and "Total payable $44,000 to 5 of 8 partners; carried over $880.06" in out
    )  # nothing brought in
    assert "wrote 17 files" in err
    code, _, err = run(
        "payouts",
        plan,
        "--deals",
        str(export),
        "--period",
        "2026-Q3",
        "-o",
        str(tmp_path / "q3w"),
        "--workers",
        "2",
    )
    assert code == 0 and "wrote 17 files" in err
    for name in os.listdir(tmp_path / "q3"):
        assert (tmp_path / "q3w" / name).read_bytes() == (tmp_path / "q3" / name).read_bytes(), name
    code, out, _ = run("payouts", plan, "--deals", str(export), "--period", "2026-Q3", "--json")
    assert code == 0 and json.loads(out)["payable"] == "44000.00"
    code, _, err = run("payouts", plan, "--deals", str(export), "--period", "Q3 2026")
    assert code == 2 and "write 2026-Q3" in err


def test_payouts_text_lists_the_first_partners_and_totals_them_all(
    export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnerkit.commands import payouts as commands_payouts

    plan = str(example_plan_path())
    code, out, _ = run("payouts", plan, "--deals", str(export), "--period", "2026-Q3", "--json")
    names = [s["partner"] for s in json.loads(out)["statements"]]
    monkeypatch.setattr(commands_payouts, "MAX_STATEMENTS_SHOWN", 3)  # the example has 8 partners
    code, out, _ = run("payouts", plan, "--deals", str(export), "--period", "2026-Q3")
    assert code == 0
    listed = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│ ")]
    assert listed == names[:3]
    assert "... and 5 more partners: -o DIR writes every partner's line to summary.csv" in out
    assert "Total payable $44,000 to 5 of 8 partners" in out


def test_a_balance_carries_over_for_a_name_the_summary_quotes(export: Path, tmp_path: Path) -> None:
    # summary.csv quotes a name a spreadsheet would run as a formula ("'@Crestline Tax"); the next
    # quarter's run must still find the partner and its balance
    plan = tmp_path / "plan.yaml"
    text = example_plan_path().read_text(encoding="utf-8")
    plan.write_text(text.replace("- name: Crestline Tax\n", '- name: "@Crestline Tax"\n'), encoding="utf-8")
    export.write_text(
        export.read_text(encoding="utf-8").replace("Crestline Tax", "@Crestline Tax"), encoding="utf-8"
    )
    loaded = load(plan)
    deals = read_deals(export, loaded)
    q2 = run_payouts(loaded, deals, "2026-Q2", tmp_path / "q2")
    assert q2.run.statement("@Crestline Tax").carried_out == Decimal("300.00")
    assert "'@Crestline Tax," in (tmp_path / "q2" / "summary.csv").read_text(encoding="utf-8")
    q3 = run_payouts(loaded, deals, "2026-Q3", tmp_path / "q3", carried_in=tmp_path / "q2" / "summary.csv")
    assert q3.ok, [str(p) for p in q3.problems]
    assert q3.run.statement("@Crestline Tax").payable == Decimal("700.00")


def test_partners_whose_names_give_the_same_file_each_keep_their_statement(
    export: Path, tmp_path: Path
) -> None:
    # "Ledger & Lane" and "Ledger Lane" give one file name: the later statement is numbered, its CSV
    # and its Word file alike, and neither is written over the other
    plan = tmp_path / "plan.yaml"
    text = example_plan_path().read_text(encoding="utf-8")
    text = text.replace("- name: Ledger & Lane CPAs\n", "- name: Ledger & Lane\n")
    plan.write_text(text.replace("- name: Stackpay\n", "- name: Ledger Lane\n"), encoding="utf-8")
    rows = export.read_text(encoding="utf-8").replace("Ledger & Lane CPAs", "Ledger & Lane")
    export.write_text(rows.replace("Stackpay", "Ledger Lane"), encoding="utf-8")
    loaded = load(plan)
    for workers in (1, 2):
        out = tmp_path / f"q3-{workers}"
        result = run_payouts(loaded, read_deals(export, loaded), "2026-Q3", out, workers=workers)
        assert result.ok, [str(p) for p in result.problems]
        names = [p.name for p in result.written]
        assert len(names) == len(set(names)) == 1 + 2 * len(result.run.statements)
        first = result.run.statement("Ledger & Lane")
        later = result.run.statement("Ledger Lane")
        assert any("Ledger & Lane" in line for line in outline(out / "Ledger-Lane.docx"))
        numbered = [n for n in names if n.startswith("Ledger-Lane-")]
        assert sorted(numbered) == ["Ledger-Lane-5.csv", "Ledger-Lane-5.docx"]  # 5 named before it
        assert any("Ledger Lane" in line for line in outline(out / "Ledger-Lane-5.docx"))
        # and each is paid under a reference of its own
        assert "Reference PAY-2026Q3-LEDGER-LANE-5" in "\n".join(outline(out / "Ledger-Lane-5.docx"))
        assert "Reference PAY-2026Q3-LEDGER-LANE\n" in "\n".join([*outline(out / "Ledger-Lane.docx"), ""])
        assert str(first.payable) in (out / "Ledger-Lane.csv").read_text(encoding="utf-8")
        assert str(later.payable) in (out / "Ledger-Lane-5.csv").read_text(encoding="utf-8")


def test_payouts_text_prints_partner_names_as_written(export: Path, tmp_path: Path) -> None:
    # the plan's names are the user's text: rich markup in one must print, not style or vanish
    plan = tmp_path / "plan.yaml"
    named = example_plan_path().read_text(encoding="utf-8").replace("Stackpay", "Stackpay [eu]")
    plan.write_text(named, encoding="utf-8")
    export.write_text(
        export.read_text(encoding="utf-8").replace("Stackpay", "Stackpay [eu]"), encoding="utf-8"
    )
    code, out, err = run("payouts", str(plan), "--deals", str(export), "--period", "2026-Q3")
    assert code == 0, err
    listed = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│ ")]
    assert "Stackpay [eu]" in listed


@pytest.mark.libreoffice
def test_libreoffice_opens_a_statement(loaded: LoadedPlan, export: Path, tmp_path: Path) -> None:
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        if os.environ.get("CI"):
            pytest.fail("soffice and pdftotext are missing on CI; .ci/run installs them")
        pytest.skip("LibreOffice is not installed")
    run_payouts(loaded, read_deals(export, loaded), "2026-Q3", tmp_path / "q3")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(tmp_path / "q3" / "Brightline-Advisory.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "pdf" / "Brightline-Advisory.pdf"), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    text = " ".join(out.stdout.decode("utf-8").split())
    for expected in (
        "Payout statement",
        "Brightline Advisory Group LLC",
        "Payable now $26,400.00",
        "Page 1 of 2",
    ):
        assert expected in text, expected


def test_a_rerun_replaces_its_own_files_but_never_an_edit(
    loaded: LoadedPlan, export: Path, tmp_path: Path
) -> None:
    from partnerkit.io.files import OutputExistsError

    deals = read_deals(export, loaded)
    folder = tmp_path / "q3"
    first = run_payouts(loaded, deals, "2026-Q3", folder)
    before = {p.name: p.read_bytes() for p in first.written}
    again = run_payouts(loaded, deals, "2026-Q3", folder)  # the run's own, unedited files
    assert {p.name: p.read_bytes() for p in again.written} == before
    edited = folder / "Stackpay.csv"
    edited.write_text(edited.read_text(encoding="utf-8") + "finance's note\n", encoding="utf-8")
    summary = (folder / "summary.csv").stat().st_mtime_ns
    with pytest.raises(OutputExistsError, match=r"Stackpay\.csv was edited after partnerkit wrote it"):
        run_payouts(loaded, deals, "2026-Q3", folder)
    assert (folder / "summary.csv").stat().st_mtime_ns == summary  # nothing was written
    assert edited.read_text(encoding="utf-8").endswith("finance's note\n")
    forced = run_payouts(loaded, deals, "2026-Q3", folder, force=True)
    assert {p.name: p.read_bytes() for p in forced.written} == before
    run_payouts(loaded, deals, "2026-Q3", folder)  # what --force wrote is partnerkit's own again


@pytest.mark.parametrize(
    ("workers", "replace_unedited", "template"),
    [(1, False, False), (2, False, False), (2, True, False), (1, False, True)],
)
def test_the_run_records_the_digest_of_each_file_it_wrote(
    loaded: LoadedPlan,
    export: Path,
    tmp_path: Path,
    workers: int,
    replace_unedited: bool,
    template: bool,
) -> None:
    """The digests come from the writers (forked workers' results arrive in any order): each file's
    own, so a rerun knows the run's files and an edit apart."""
    import hashlib

    from partnerkit.io.files import read_manifest
    from partnerkit.io.word.statement import statement_template_path
    from partnerkit.services.payouts import payout_files

    if workers > 1 and not can_fork():
        pytest.skip("workers are forked on Linux only")
    folder = tmp_path / "q3"
    result = run_payouts(
        loaded,
        read_deals(export, loaded),
        "2026-Q3",
        folder,
        workers=workers,
        replace_unedited=replace_unedited,
        template=statement_template_path() if template else None,
    )
    assert len(result.written) > 3
    # The files come partner by partner, a CSV then its statement, as payout_files lists them.
    assert result.written == payout_files(result.run, folder)
    recorded = read_manifest(folder)
    assert recorded == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in result.written}


def test_a_file_partnerkit_did_not_write_is_kept(loaded: LoadedPlan, export: Path, tmp_path: Path) -> None:
    from partnerkit.io.files import OutputExistsError

    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "summary.csv").write_text("ours\n", encoding="utf-8")
    with pytest.raises(OutputExistsError, match=r"summary\.csv was not written by partnerkit"):
        run_payouts(loaded, read_deals(export, loaded), "2026-Q3", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["summary.csv"]


def test_report_with_the_deals_gains_the_actuals_section(export: Path, tmp_path: Path) -> None:
    plan = str(example_plan_path())
    survey = str(example_survey_path())
    out = tmp_path / "strategy.md"
    code, stdout, err = run(
        "report", plan, "-o", str(out), "--deals", str(export), "--survey", survey, "--as-of", "2026-09-30"
    )
    assert code == 0, err
    assert f"wrote {tmp_path / 'strategy-actuals.png'}" in stdout
    text = out.read_text(encoding="utf-8")
    assert (
        "| Partner-sourced revenue | Year 1 | $1,500,000 | $230,200.15 | 15.35% | -$1,269,799.85 | to date |"
        in text
    )
    assert "| Year 1 | 20.0 | 5 | 2 | 3 | 10 |" in text  # the survey's NPS with its counts
    code, _, err = run("report", plan, "-o", str(tmp_path / "s.md"), "--survey", survey)
    assert code == 2 and "give the deals table with --deals" in err


def test_report_stops_on_problems_in_the_deals_or_the_survey(export: Path, tmp_path: Path) -> None:
    plan = str(example_plan_path())
    bad = tmp_path / "bad.csv"
    bad.write_text(export.read_text(encoding="utf-8").replace("Stackpay", "Stakpay"), encoding="utf-8")
    out = tmp_path / "strategy.docx"
    code, _, err = run("report", plan, "-o", str(out), "--deals", str(bad), "--as-of", "2026-09-30")
    assert code == 1 and not out.exists()
    assert "bad.csv:19: 'Partner' 'Stakpay': not a partner of the plan (did you mean 'Stackpay'?)" in err
    survey = tmp_path / "survey.csv"
    survey.write_text("Partner,Date,NPS\nKeystone IT Partners,2026-05-20,11\n", encoding="utf-8")
    code, _, err = run("report", plan, "-o", str(out), "--deals", str(export), "--survey", str(survey))
    assert code == 1 and not out.exists() and "survey.csv:2: 'NPS' '11': 11 is outside 0-10" in err
    mixed = tmp_path / "mixed.csv"
    lines = export.read_text(encoding="utf-8").splitlines()
    lines[11] = lines[11].replace(",USD,", ",EUR,")  # D-1032: the attribution leaves it out with an error
    mixed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run("report", plan, "-o", str(out), "--deals", str(mixed), "--as-of", "2026-09-30")
    assert code == 1 and not out.exists() and "mixed.csv:12" in err


def test_the_demo_runs_the_program(tmp_path: Path) -> None:
    """The demo checks the example deals, pays 2026-Q3 and measures the strategy's actuals on 30 September."""
    code, out, err = run("demo", str(tmp_path))
    assert code == 0, err
    check = (tmp_path / "deals-check.txt").read_text(encoding="utf-8")
    assert check.startswith("Registrations on 2026-09-30 (ledgerly-deals.csv, 20 rows): 14 protected, 1 lost")
    assert json.loads((tmp_path / "deals-check.json").read_text(encoding="utf-8"))["as_of"] == "2026-09-30"
    summary = (tmp_path / "payouts" / "2026-Q3" / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert summary[-1].split(",")[11] == "44000.00"  # payable, with nothing brought forward (docs/payouts.md)
    assert (tmp_path / "payouts" / "2026-Q3" / "Keystone-IT-Partners.docx").exists()
    strategy = (tmp_path / "strategy.md").read_text(encoding="utf-8")
    golden = (Path(__file__).parent.parent / "golden" / "strategy-actuals.md").read_text(encoding="utf-8")
    assert golden in strategy  # the section the docs check by hand
    assert (tmp_path / "strategy-actuals.png").exists() and "strategy-actuals.png" in out
    assert "Program Economics by Tier" in "\n".join(outline(tmp_path / "strategy.docx"))
    edited = tmp_path / "payouts" / "2026-Q3" / "Stackpay.csv"
    edited.write_text("finance's copy\n", encoding="utf-8")
    code, _, err = run("demo", str(tmp_path))
    assert code == 0 and "Stackpay.csv was edited after partnerkit wrote it" in err
    assert edited.read_text(encoding="utf-8") == "finance's copy\n"
