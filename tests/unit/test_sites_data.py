"""Sites without an app: views kept across runs, a site that cannot open, the `sites` config key, rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.config import ConfigError, parse_config_document
from console.data.sites import Sites, SiteSpec, SiteStateFile, ViewState
from console.data.store import ResourceState
from console.model.capacity import GpuCapacity
from console.ui.palette import CellPalette
from console.ui.site_overview import SiteFacts, SiteOverview, site_row

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def refuse() -> object:
    raise ConfigError("profiles.cloud.runai_client_secret_env: environment variable X is not set or empty")


def test_views_are_kept_per_site_and_scope(tmp_path: Path) -> None:
    path = tmp_path / "sites.json"
    sites = Sites([SiteSpec("a", refuse), SiteSpec("b", refuse)], state_file=SiteStateFile("one", path))  # type: ignore[arg-type]
    sites.remember("a", "nodes", {"nodes": ViewState("dgx", "name", True)})
    sites.save()
    SiteStateFile("other", path).save({})  # another config file's section leaves this one alone
    again = Sites([SiteSpec("a", refuse), SiteSpec("b", refuse)], state_file=SiteStateFile("one", path))  # type: ignore[arg-type]
    assert again["a"].state.screen == "nodes"
    assert again["a"].state.views["nodes"] == ViewState("dgx", "name", True)
    assert again["b"].state.screen is None
    path.write_text("{not json", encoding="utf-8")
    assert SiteStateFile("one", path).load() == {}  # a damaged file is an empty state, never an error


def test_a_site_that_cannot_open_says_why_and_the_others_do_not_care() -> None:
    sites = Sites([SiteSpec("on-prem", refuse), SiteSpec("cloud", refuse)])  # type: ignore[arg-type]
    assert sites.open("cloud") is None
    assert "not set" in (sites["cloud"].open_error or "")
    row = site_row(SiteFacts("cloud", "", False, None, sites["cloud"].open_error), CellPalette.plain(), NOW)
    assert row.cells[-1].plain.startswith("cannot open: ")  # type: ignore[union-attr]


def test_the_row_of_a_site_with_its_overview() -> None:
    overview = SiteOverview("acme", "2.21.0", "Connected", GpuCapacity(10, 16, 0), 1, 8.0, False, 0, None)
    state = ResourceState(name="site overview", value=overview, fetched_at=NOW)
    row = site_row(SiteFacts("cloud", "simulated", True, state), CellPalette.plain(), NOW)
    texts = [cell.plain for cell in row.cells]  # type: ignore[union-attr]
    assert texts[:4] == ["cloud •", "2.21.0", "10/16", "1 (8)"]
    assert texts[4] == "none" and texts[-1] == "open"


def test_the_sites_key_names_profiles(tmp_path: Path) -> None:
    profile = {"runai_url": "https://a.run.ai", "runai_client_id": "x", "runai_client_secret_env": "S"}
    document = {"profiles": {"prod": profile, "cloud": profile, "lab": profile}, "sites": ["cloud", "prod"]}
    assert parse_config_document(document, tmp_path / "c.toml").site_names == ("cloud", "prod")
    with pytest.raises(ConfigError, match="sites: no profile named 'nope'"):
        parse_config_document({**document, "sites": ["nope"]}, tmp_path / "c.toml")
    assert parse_config_document({"profiles": document["profiles"]}, tmp_path / "c.toml").site_names == (
        "prod",
        "cloud",
        "lab",
    )


def test_every_profile_is_a_site_and_profile_picks_the_open_one(tmp_path: Path) -> None:
    from console.cli import parse_args

    path = tmp_path / "config.toml"
    body = 'runai_url = "https://acme.run.ai"\nrunai_client_id = "rwc"\nrunai_client_secret_env = "S"\n'
    prod = f'[profiles.prod]\n{body}cluster_id = "p"\n'
    profiles = f'{prod}[profiles.cloud]\n{body}cluster_id = "c"\ninsecure = true\n'
    path.write_text(f'default_profile = "prod"\n{profiles}', encoding="utf-8")
    config = parse_args(["--config", str(path)])
    assert config.sites == ("prod", "cloud") and config.profile is not None and config.profile.name == "prod"
    assert [p.cluster_id for p in config.site_profiles] == ["p", "c"]  # one tenant, a cluster per site
    assert not config.insecure and config.insecure_for(config.site_profiles[1])  # its own, not spread
    assert parse_args(["--config", str(path), "--profile", "cloud"]).profile.name == "cloud"  # type: ignore[union-attr]
    path.write_text(f'default_profile = "prod"\nsites = ["prod"]\n{profiles}', encoding="utf-8")
    assert parse_args(["--config", str(path)]).sites == ()  # one site named: one cluster, as before
