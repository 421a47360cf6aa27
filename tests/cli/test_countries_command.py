"""`scoring countries`: who an index covers, in which editions, under which name and region
(issue 13), on the bundled data; and the installed console script reading --country as a
shell passes it."""

import json
import re
import subprocess
import sys

import pytest

from scoring.datasets.coverage import country_coverage, edition_ranges
from scoring.datasets.load import load_dataset
from scoring.datasets.panel import Panel


def test_countries_fotn(run, printed_codes):
    result = run("countries", "--index", "fotn")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Freedom on the Net 2011-2024: 73 countries\n")
    codes = printed_codes(result.output)
    assert len(codes) == 73 and codes == sorted(codes)
    assert re.search(r"KAZ\s+Kazakhstan\s+Eurasia\s+2011\s+2024\s+14\s+2011-2024\n",
                     result.output)
    assert re.search(r"SYR\s+Syria\s+Middle East\s+2012\s+2020\s+9\s+2012-2020\n",
                     result.output)
    assert re.search(r"GMB\s+The Gambia\s+Africa\s+2014\s+2024\s+11\s+2014-2024\n",
                     result.output)  # "Gambia" in 2022, "The Gambia" since
    assert re.search(r"NLD\s+The Netherlands\s+Europe\s+2024\s+2024\s+1\s+2024\n",
                     result.output)


def test_countries_fiw_2025_json(run):
    result = run("countries", "--index", "fiw", "--edition", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    s = doc["summary"]
    assert (s["n"], s["countries"], s["territories"], s["edition"]) == (208, 195, 13, 2025)
    rows = {r["iso3"]: r for r in doc["rows"]}
    assert rows["KAZ"] == {"iso3": "KAZ", "country": "Kazakhstan", "region": "Eurasia",
                           "ct": "c", "first_edition": 2006, "last_edition": 2025,
                           "n_editions": 20, "editions": "2006-2025"}
    assert rows["XOU"]["editions"] == "2025" and rows["XOU"]["ct"] == "t"
    assert rows["XKX"]["region"] == "Europe"  # Eurasia in its 2006-2007 rows only
    assert "XCR" not in rows and "SCG" not in rows  # Crimea ended with 2024, Serbia and
    # Montenegro with 2006


def test_countries_region_edition_and_csv(run, tmp_path):
    out = tmp_path / "eurasia.csv"
    result = run("countries", "--index", "fiw", "--edition", "2024", "--region", "Eurasia",
                 "--output", out)
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == ("iso3,country,region,ct,first_edition,last_edition,n_editions,"
                        "editions")
    codes = [line.split(",")[0] for line in lines[1:]]
    # 2024: Crimea and Eastern Donbas, not yet their 2025 merger (XOU); Chechnya ended 2009
    assert set(codes) == {"ARM", "AZE", "BLR", "GEO", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM",
                          "UKR", "UZB", "XAB", "XCR", "XDB", "XNK", "XSO", "XTR"}


def test_countries_bad_edition_is_a_usage_error(run):
    result = run("countries", "--edition", "2010")
    assert result.exit_code == 2 and "(2011-2024); got 2010" in result.output


def test_coverage_gaps_are_runs_of_the_panels_editions():
    fotn = load_dataset("fotn")
    without = fotn[~((fotn["iso3"] == "KAZ") & (fotn["edition"] == 2017))]
    table = country_coverage(Panel.from_frame(without, "fotn")).set_index("iso3")
    assert table.at["KAZ", "editions"] == "2011-2016, 2018-2024"
    assert table.at["KAZ", "n_editions"] == 13
    # A year no edition was published in is no gap.
    assert edition_ranges([2006, 2008, 2009], [2006, 2008, 2009, 2010]) == "2006-2009"
    assert edition_ranges([2011, 2013, 2014], range(2011, 2015)) == "2011, 2013-2014"


# -- the installed console script -----------------------------------------------------------------

def test_the_console_script_reads_names_and_quoted_lists(printed_codes, console_script):
    script = console_script
    compare = [script, "compare", "--from", "2023", "--to", "2024"]
    done = subprocess.run([*compare, "--country", "KAZ RUS"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert printed_codes(done.stdout) == ["RUS", "KAZ"]
    done = subprocess.run([*compare, "--country", "Kazakstan"], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "did you mean Kazakhstan (KAZ)?" in done.stderr
    done = subprocess.run([script, "countries", "--index", "fiw", "--edition", "2025",
                           "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0 and json.loads(done.stdout)["summary"]["n"] == 208


def test_countries_help_starts_light():
    code = ("import sys\nfrom scoring.cli import main\ntry:\n    main(['countries', '--help'])\n"
            "except SystemExit:\n    pass\nprint('PANDAS' if 'pandas' in sys.modules else 'LIGHT')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.rstrip().endswith("LIGHT")
